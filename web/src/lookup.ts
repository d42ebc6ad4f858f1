// The string lookup shared by every dictionary of the web UI (i18n.ts, the per-area *Strings.ts
// modules and the portal's own portal/i18n.ts), kept apart so that the portal bundle can use it
// without pulling in the staff app's dictionaries.

/** Values for the `{name}` placeholders of a string. */
export type Vars = Record<string, string | number>;

/**
 * Returns the lookup of one dictionary: the key's string in `dict`, else in `fallback`, else the
 * key itself, with each `{name}` replaced by vars.name. Both dictionaries are borrowed, not copied:
 * they must outlive the returned function (module constants do).
 */
export function lookupOf<K extends string>(dict: Record<K, string>, fallback: Record<K, string>): (key: K, vars?: Vars) => string {
  return (key, vars) => {
    let s = dict[key] ?? fallback[key] ?? key;
    if (vars) for (const [k, v] of Object.entries(vars)) s = s.split(`{${k}}`).join(String(v));
    return s;
  };
}
