// The composer's pure parts: attachment checks (spec types, sizes, count) and template variables.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_MEDIA_BYTES, checkAttachments, formatBytes, mediaType } from '../app/media.js';

const file = (name, type, size = 1000) => ({ name, type, size });

test('the spec types pass, by type or by extension', () => {
  assert.equal(checkAttachments([], [file('a.jpg', 'image/jpeg'), file('b.pdf', 'application/pdf')]), null);
  assert.equal(mediaType(file('card.vcf', '')), 'text/vcard');
  assert.equal(mediaType(file('x.png', 'image/PNG; q=1')), 'image/png');
});

test('an unsupported type and a file over 5 MB are refused with the engine codes', () => {
  assert.equal(checkAttachments([], [file('a.exe', 'application/x-msdownload')]).code, 'unsupported_media');
  assert.equal(checkAttachments([], [file('a.tiff', 'image/tiff')]).code, 'unsupported_media');
  assert.equal(checkAttachments([], [file('big.jpg', 'image/jpeg', MAX_MEDIA_BYTES)]), null, '5 MB exactly is allowed');
  const big = checkAttachments([], [file('big.jpg', 'image/jpeg', MAX_MEDIA_BYTES + 1)]);
  assert.equal(big.code, 'attachment_too_large');
  assert.match(big.message, /^big\.jpg is 5\.0 MB: at most 5 MB/);
});

test('at most 10 attachments', () => {
  const nine = Array.from({ length: 9 }, (_, i) => file(`${i}.png`, 'image/png'));
  assert.equal(checkAttachments(nine, [file('x.png', 'image/png')]), null);
  assert.equal(checkAttachments(nine, [file('x.png', 'image/png'), file('y.png', 'image/png')]).code, 'attachment_too_large');
  assert.equal(formatBytes(2048), '2 KB');
});

import { fillTemplate } from '../app/templates.js';

test('template variables: known ones filled, unknown ones kept and listed', () => {
  const r = fillTemplate('Hi {first_name} {last_name}, see you at {business_name}. {first_name}!', { first_name: 'Emma', last_name: 'Stone' });
  assert.equal(r.text, 'Hi Emma Stone, see you at {business_name}. Emma!');
  assert.deepEqual(r.missing, ['business_name']);
  assert.deepEqual(fillTemplate('{other} stays', {}), { text: '{other} stays', missing: [] });
});
