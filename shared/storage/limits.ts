/**
 * Table Storage limits, enforced in our own code: Azurite does not enforce the 1 MiB entity
 * or 252-property caps and answers 500 (Azure: 400) for a '/' in a key, so a test against
 * Azurite alone would not catch a violation that production rejects.
 */
export const MAX_BATCH_OPERATIONS = 100;
/** Azure rejects a batch payload over 4 MiB; keep headroom for the multipart envelope. */
export const MAX_BATCH_BYTES = 3 * 1024 * 1024;
export const MAX_ENTITY_BYTES = 1024 * 1024;
/** A string property holds at most 64 KiB counted as UTF-16, i.e. 32,768 code units. */
export const MAX_STRING_PROPERTY_CHARS = 32 * 1024;
export const MAX_CUSTOM_PROPERTIES = 252;
export const MAX_KEY_CHARS = 1024;

// eslint-disable-next-line no-control-regex -- control characters are exactly what Table Storage forbids
const FORBIDDEN_KEY_CHARS = /[/\\#?\u0000-\u001f\u007f-\u009f]/;

export function assertValidKey(kind: 'PartitionKey' | 'RowKey', key: string): void {
  if (key.length === 0) throw new Error(`${kind} must not be empty`);
  if (key.length > MAX_KEY_CHARS) throw new Error(`${kind} is longer than ${MAX_KEY_CHARS} characters`);
  if (FORBIDDEN_KEY_CHARS.test(key)) {
    throw new Error(
      `${kind} '${key.slice(0, 80)}' contains a character Table Storage forbids in keys (/ \\ # ? or a control character)`,
    );
  }
}

/** Approximate size of an entity as Table Storage counts it (UTF-16 strings, 8-byte numbers). */
export function entitySize(entity: Record<string, unknown>): number {
  let size = 4;
  for (const [name, value] of Object.entries(entity)) {
    size += 8 + name.length * 2;
    if (typeof value === 'string') size += 4 + value.length * 2;
    else if (value instanceof Uint8Array) size += 4 + value.byteLength;
    else size += 8;
  }
  return size;
}

export function assertEntityWithinLimits(
  entity: Record<string, unknown> & { partitionKey: string; rowKey: string },
): void {
  assertValidKey('PartitionKey', entity.partitionKey);
  assertValidKey('RowKey', entity.rowKey);
  const custom = Object.keys(entity).filter((k) => k !== 'partitionKey' && k !== 'rowKey');
  if (custom.length > MAX_CUSTOM_PROPERTIES)
    throw new Error(`entity has ${custom.length} properties; Table Storage allows ${MAX_CUSTOM_PROPERTIES}`);
  for (const [name, value] of Object.entries(entity)) {
    if (typeof value === 'string' && value.length > MAX_STRING_PROPERTY_CHARS) {
      throw new Error(
        `property ${name} is ${value.length} characters; Table Storage allows ${MAX_STRING_PROPERTY_CHARS}`,
      );
    }
  }
  const size = entitySize(entity);
  if (size > MAX_ENTITY_BYTES)
    throw new Error(`entity is ${size} bytes; Table Storage allows ${MAX_ENTITY_BYTES}`);
}

/** Splits entities of one partition into transactions that respect the operation and payload limits. */
export function planBatches<T extends Record<string, unknown>>(entities: readonly T[]): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const entity of entities) {
    const size = Buffer.byteLength(JSON.stringify(entity), 'utf8') + 512;
    if (current.length > 0 && (current.length >= MAX_BATCH_OPERATIONS || bytes + size > MAX_BATCH_BYTES)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(entity);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** Splits text into pieces that each fit one string property. */
export function chunkText(text: string, size = 30_000): string[] {
  const chunks: string[] = [];
  let start = 0;
  while (start < text.length) {
    let end = Math.min(start + size, text.length);
    // Never split a surrogate pair: the halves would not be valid UTF-16 on their own.
    const code = text.charCodeAt(end - 1);
    if (end < text.length && code >= 0xd800 && code <= 0xdbff) end -= 1;
    chunks.push(text.slice(start, end));
    start = end;
  }
  return chunks.length ? chunks : [''];
}
