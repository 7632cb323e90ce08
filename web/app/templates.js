// Template variables (spec "Sending": {first_name}, {last_name}, {business_name}), filled
// for the composer's preview from what the page knows; the server fills them for real when
// the text is sent by template name. Pure: tested under node.

export const VARIABLES = ['first_name', 'last_name', 'business_name'];

/// {text, missing[]}: the template with the known variables filled; unknown ones stay as
/// `{name}` and are listed in `missing`.
export function fillTemplate(body, vars) {
  const missing = [];
  const text = String(body).replace(/\{(first_name|last_name|business_name)\}/g, (all, name) => {
    const v = vars[name];
    if (v === undefined || v === null || v === '') {
      if (!missing.includes(name)) missing.push(name);
      return all;
    }
    return v;
  });
  return { text, missing };
}

/// The variables a conversation's contact overview gives (business_name: the server's).
export const contactVars = (contact) => ({ first_name: contact?.first_name ?? '', last_name: contact?.last_name ?? '' });
