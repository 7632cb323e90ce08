// Attachment rules of the spec ("Messages"): at most 10 items, each at most 5 MB
// (5,242,880 bytes), of the types below. The page checks a picked file before anything is
// sent, so a wrong one is said at once, in the engine's words. Pure: tested under node.

export const MAX_MEDIA_ITEMS = 10;
export const MAX_MEDIA_BYTES = 5 * 1024 * 1024;
export const MEDIA_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'video/mp4', 'audio/mpeg', 'text/vcard', 'application/pdf'];
// What the file picker offers (types and the usual extensions; a browser may not know a
// .vcf file's type, so the extension is checked too).
export const ACCEPT = [...MEDIA_TYPES, '.jpg', '.jpeg', '.png', '.gif', '.webp', '.mp4', '.mp3', '.vcf', '.pdf'].join(',');
const BY_EXTENSION = { vcf: 'text/vcard', vcard: 'text/vcard', mp3: 'audio/mpeg', jpg: 'image/jpeg', jpeg: 'image/jpeg', pdf: 'application/pdf' };

/// The content type the engine will see for a file ({name, type}).
export function mediaType(file) {
  const t = String(file.type || '').split(';')[0].trim().toLowerCase();
  if (MEDIA_TYPES.includes(t)) return t;
  const ext = /\.([a-z0-9]+)$/i.exec(file.name || '')?.[1]?.toLowerCase();
  return (ext && BY_EXTENSION[ext]) || t;
}

export function formatBytes(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/// null when `files` ({name, type, size}[]) may be added to the `have` attachments, else
/// {code, message} with the engine's error code.
export function checkAttachments(have, files) {
  if (have.length + files.length > MAX_MEDIA_ITEMS)
    return { code: 'attachment_too_large', message: `At most ${MAX_MEDIA_ITEMS} attachments per text.` };
  for (const f of files) {
    const type = mediaType(f);
    if (!MEDIA_TYPES.includes(type))
      return { code: 'unsupported_media', message: `${f.name}: this kind of file cannot be texted (JPEG, PNG, GIF, WebP, MP4, MP3, vCard or PDF).` };
    if (f.size > MAX_MEDIA_BYTES)
      return { code: 'attachment_too_large', message: `${f.name} is ${formatBytes(f.size)}: at most 5 MB per attachment.` };
  }
  return null;
}
