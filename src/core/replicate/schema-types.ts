/** How a model input is asked for and coerced. */
export type FieldKind =
  | 'text'
  | 'longtext'
  | 'integer'
  | 'number'
  | 'boolean'
  | 'enum'
  | 'image'
  | 'file'
  | 'json';

/** One allowed value of an enum field. */
export interface FieldOption {
  label: string;
  value: string | number;
}

/** One input of a model, read from its OpenAPI `Input` schema, platform-free. */
export interface Field {
  /** The schema property name, which is also the key of the Replicate input. */
  name: string;
  label: string;
  kind: FieldKind;
  required: boolean;
  default?: unknown;
  min?: number;
  max?: number;
  options?: FieldOption[];
  /** For enums: the type of the values. */
  valueType?: 'string' | 'integer' | 'number';
  /** Position in the form: `x-order` when the schema has it, else after every ordered input. */
  order: number;
  description?: string;
  nullable?: boolean;
  /** Array inputs (e.g. a list of strings or URIs): one value per line in forms. */
  array?: boolean;
  /** For array inputs: the most items the list may hold (the schema's `maxItems`); Replicate refuses more. */
  maxItems?: number;
  /** For array inputs: the fewest items a given list must hold (the schema's `minItems`, above one). */
  minItems?: number;
}
