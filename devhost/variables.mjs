// Resolves Spin variables the way Spin's default setup does: the component
// sees only the names in [component.<id>.variables], whose values are
// templates over the application's [variables]. An application variable is
// taken from `--variable` flags, then SPIN_VARIABLE_<NAME> in the host
// environment, then the app directory's .env file, then its manifest default.
// Errors carry the `fermyon:spin/variables@2.0.0` error variant as `payload`.

import { existsSync, readFileSync } from 'node:fs';

export class VariableError extends Error {
  constructor(tag, message) {
    super(message);
    // jco returns an own `payload` property as the `err` of a result-returning import.
    this.payload = { tag, val: message };
  }
}

/** Mirrors Spin's key rules so invalid names fail the same way. */
export function validateKey(key) {
  let reason;
  const invalid = [...key].find((c) => !/[a-z0-9_]/.test(c));
  if (key === '') reason = 'must not be empty';
  else if (invalid !== undefined) {
    reason = `invalid character '${invalid}'. Variable names may contain only lower-case letters, numbers, and underscores.`;
  } else if (!/^[a-z]/.test(key)) reason = 'must start with a lowercase ASCII letter';
  else if (!/[a-z0-9]$/.test(key)) reason = 'must end with a lowercase ASCII letter or digit';
  else if (key.includes('__')) reason = 'must not contain multiple consecutive underscores';
  if (reason) throw new VariableError('invalid-name', `"${key}": ${reason}`);
}

/** Splits "a-{{ b }}-c" into literal strings and { variable } parts. */
function parseTemplate(template) {
  const parts = [];
  let rest = template;
  while (rest.length > 0) {
    const start = rest.indexOf('{{');
    if (start === -1) {
      parts.push(rest);
      break;
    }
    const end = rest.indexOf('}}', start);
    if (end === -1) throw new Error(`unclosed '{{' in template ${JSON.stringify(template)}`);
    if (start > 0) parts.push(rest.slice(0, start));
    parts.push({ variable: rest.slice(start + 2, end).trim() });
    rest = rest.slice(end + 2);
  }
  return parts;
}

export function parseDotenv(text) {
  const values = new Map();
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim().replace(/^export\s+/, '');
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq === -1) continue;
    let value = line.slice(eq + 1).trim();
    const quote = value[0];
    if ((quote === '"' || quote === "'") && value.endsWith(quote) && value.length > 1) {
      value = value.slice(1, -1);
    } else {
      value = value.replace(/\s+#.*$/, '');
    }
    values.set(line.slice(0, eq).trim(), value);
  }
  return values;
}

export class VariableResolver {
  #appVariables;
  #templates = new Map();
  #componentId;
  #overrides;
  #env;
  #dotenvPath;
  #dotenv;

  /**
   * @param {object} options
   * @param {Map<string, {default?: string, required: boolean}>} options.appVariables
   * @param {string} options.componentId
   * @param {Map<string, string>} options.componentVariables name -> template
   * @param {Map<string, string>} options.overrides values from `--variable`
   * @param {Record<string, string | undefined>} options.env the host environment
   * @param {string} options.dotenvPath
   */
  constructor({ appVariables, componentId, componentVariables, overrides, env, dotenvPath }) {
    this.#appVariables = appVariables;
    this.#componentId = componentId;
    this.#overrides = overrides;
    this.#env = env;
    this.#dotenvPath = dotenvPath;
    for (const name of appVariables.keys()) validateKey(name);
    for (const [name, template] of componentVariables) {
      validateKey(name);
      const parts = parseTemplate(template);
      for (const part of parts) {
        if (typeof part === 'object' && !appVariables.has(part.variable)) {
          throw new Error(`invalid variable template: unknown variable "${part.variable}" in [component.${componentId}.variables] ${name}`);
        }
      }
      this.#templates.set(name, parts);
    }
  }

  /** Spin refuses to start when a required variable has no value. */
  checkRequired() {
    for (const [name, spec] of this.#appVariables) {
      if (spec.required && this.#providedValue(name) === undefined) {
        throw new Error(
          `no provider resolved required variable "${name}" (set SPIN_VARIABLE_${name.toUpperCase()} or --variable ${name}=...)`,
        );
      }
    }
  }

  /** Implements `fermyon:spin/variables@2.0.0#get`. */
  get(name) {
    validateKey(name);
    const parts = this.#templates.get(name);
    if (!parts) {
      throw new VariableError('undefined', `no variable for "${this.#componentId}"."${name}"`);
    }
    return parts.map((part) => (typeof part === 'string' ? part : this.#resolveAppVariable(part.variable))).join('');
  }

  #resolveAppVariable(name) {
    const value = this.#providedValue(name) ?? this.#appVariables.get(name).default;
    if (value === undefined) {
      throw new VariableError('provider', `no provider resolved required variable "${name}"`);
    }
    return value;
  }

  #providedValue(name) {
    if (this.#overrides.has(name)) return this.#overrides.get(name);
    const envKey = `SPIN_VARIABLE_${name.toUpperCase()}`;
    return this.#env[envKey] ?? this.#dotenvValues().get(envKey);
  }

  #dotenvValues() {
    this.#dotenv ??= existsSync(this.#dotenvPath) ? parseDotenv(readFileSync(this.#dotenvPath, 'utf8')) : new Map();
    return this.#dotenv;
  }
}
