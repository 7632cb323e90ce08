// The page's one import of its libraries (web/vendor/, copied from node_modules by
// tools/vendor.mjs): Preact, its hooks, htm bound to Preact, and signals.
import { h, render } from '../vendor/preact.js';
import htm from '../vendor/htm.js';

export { render };
export { useEffect, useRef, useState, useCallback } from '../vendor/preact-hooks.js';
export { signal, computed, effect, batch } from '../vendor/signals.js';
export const html = htm.bind(h);
