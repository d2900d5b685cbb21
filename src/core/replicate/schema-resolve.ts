/** A JSON Schema node, loosely typed: real schemas are not always what the spec promises. */
export type SchemaNode = Record<string, unknown>;

/** A property schema with `$ref`, `allOf`, `anyOf`, `oneOf` and type lists folded into one node. */
export interface ResolvedProperty {
  node: SchemaNode;
  /** `null` is allowed: `nullable: true`, `type: [x, 'null']` or an `anyOf` member of type null. */
  nullable: boolean;
  /** The members of an `anyOf`/`oneOf` disagree about the type; treat the input as text. */
  ambiguous: boolean;
}

/** True for a JSON object (not an array, not null): the only thing a schema node can be. */
export function isNode(value: unknown): value is SchemaNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Follows a local `$ref` such as `#/components/schemas/model`; undefined when it leads nowhere. */
function follow(root: SchemaNode, ref: string): SchemaNode | undefined {
  if (!ref.startsWith('#/')) return undefined;
  let current: unknown = root;
  for (const raw of ref.slice(2).split('/')) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (!isNode(current)) return undefined;
    current = current[key];
  }
  return isNode(current) ? current : undefined;
}

function isNullNode(node: SchemaNode): boolean {
  return (
    node.type === 'null' || (Array.isArray(node.enum) && node.enum.length === 1 && node.enum[0] === null)
  );
}

/**
 * Folds one property schema into a single node. Keys on the property itself win over what its
 * `$ref`/`allOf` members say (Cog puts the default and description next to the `allOf`), except the
 * title, which on a referenced enum is only the enum's class name.
 */
export function resolveProperty(root: SchemaNode, property: SchemaNode, depth = 0): ResolvedProperty {
  if (depth > 8) return { node: {}, nullable: false, ambiguous: true };
  let nullable = property.nullable === true;
  let ambiguous = false;
  let merged: SchemaNode = {};

  const absorb = (member: unknown) => {
    if (!isNode(member)) return;
    const resolved = resolveProperty(root, member, depth + 1);
    nullable ||= resolved.nullable;
    ambiguous ||= resolved.ambiguous;
    const { title: _title, ...rest } = resolved.node;
    merged = { ...merged, ...rest };
  };

  if (typeof property.$ref === 'string') absorb(follow(root, property.$ref));
  if (Array.isArray(property.allOf)) for (const member of property.allOf) absorb(member);

  const union = Array.isArray(property.anyOf) ? property.anyOf : property.oneOf;
  if (Array.isArray(union)) {
    const members = union.filter(isNode).map((member) => resolveProperty(root, member, depth + 1));
    const nonNull = members.filter((member) => !isNullNode(member.node));
    if (nonNull.length < members.length) nullable = true;
    if (nonNull.length === 1) absorb(nonNull[0]!.node);
    else if (nonNull.length > 1) {
      const enumValues = nonNull.flatMap((member) =>
        Array.isArray(member.node.enum)
          ? member.node.enum
          : 'const' in member.node
            ? [member.node.const]
            : [],
      );
      const types = new Set(nonNull.map((member) => member.node.type));
      if (enumValues.length > 0 && nonNull.every((m) => Array.isArray(m.node.enum) || 'const' in m.node)) {
        merged = { ...merged, type: types.size === 1 ? [...types][0] : undefined, enum: enumValues };
      } else if (types.size === 1) {
        absorb(nonNull[0]!.node);
      } else {
        ambiguous = true;
      }
      for (const member of nonNull) nullable ||= member.nullable;
    }
  }

  const { $ref: _ref, allOf: _allOf, anyOf: _anyOf, oneOf: _oneOf, ...own } = property;
  merged = { ...merged, ...own };

  if (Array.isArray(merged.type)) {
    const types = merged.type.filter((t) => t !== 'null');
    if (types.length < merged.type.length) nullable = true;
    if (types.length === 1) merged.type = types[0];
    else {
      merged.type = undefined;
      if (types.length > 1) ambiguous = true;
    }
  }
  if ('const' in merged && !Array.isArray(merged.enum)) merged.enum = [merged.const];
  if (Array.isArray(merged.enum) && merged.enum.includes(null)) {
    nullable = true;
    merged.enum = merged.enum.filter((value) => value !== null);
  }
  return { node: merged, nullable, ambiguous };
}
