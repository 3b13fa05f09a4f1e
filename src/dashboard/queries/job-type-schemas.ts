import { getMetadataStorage, ValidationTypes } from 'class-validator';
import { targetConstructorToSchema } from 'class-validator-jsonschema';
import { jobClassFor } from '../../jobs';
import type { ApiJsonSchema } from '../api-types';

type SchemaOptions = NonNullable<Parameters<typeof targetConstructorToSchema>[1]>;
type TypeMetadata = SchemaOptions['classTransformerMetadataStorage'];
type Constructor = abstract new (...args: never[]) => unknown;

/** Where a schema's nested classes are: its own `$defs`, so each schema stands alone. */
const REF_PREFIX = '#/$defs/';

/** Constructors whose values are JSON scalars or plain containers, not classes with rules. */
const NOT_CLASSES = new Set<unknown>([String, Number, Boolean, Array, Object, Date, Map, Set]);

/**
 * The JSON Schema of each job type's payload, derived from its class's class-validator
 * rules by class-validator-jsonschema (for a form that enqueues jobs). Each schema is built
 * from its class alone, and the classes nested in it (`@ValidateNested`, found through
 * class-transformer's `@Type` or the property's design type) are put in its `$defs`, so that
 * two unrelated classes of one name never mix. A class with no rules is `{ type: 'object' }`.
 */
export function jobTypeSchemas(types: readonly string[]): Record<string, ApiJsonSchema> {
  const options: Partial<SchemaOptions> = {
    refPointerPrefix: REF_PREFIX,
    classTransformerMetadataStorage: typeMetadata(),
  };
  const schemas: Record<string, ApiJsonSchema> = {};
  for (const type of types) {
    const jobClass = jobClassFor(type);
    if (jobClass !== undefined) schemas[type] = schemaOf(jobClass, options);
  }
  return schemas;
}

function schemaOf(jobClass: Constructor, options: Partial<SchemaOptions>): ApiJsonSchema {
  const root = classSchema(jobClass, options);
  const defs: Record<string, ApiJsonSchema> = {};
  const pending = nestedClassesOf(jobClass, options.classTransformerMetadataStorage);
  for (let next = pending.shift(); next !== undefined; next = pending.shift()) {
    if (next === jobClass || next.name in defs) continue;
    defs[next.name] = classSchema(next, options);
    pending.push(...nestedClassesOf(next, options.classTransformerMetadataStorage));
  }
  return Object.keys(defs).length === 0 ? root : { ...root, $defs: defs };
}

function classSchema(target: Constructor, options: Partial<SchemaOptions>): ApiJsonSchema {
  const schema = targetConstructorToSchema(target, options) as Record<string, unknown>;
  return Object.keys(schema).length === 0 ? { type: 'object' } : schema;
}

/** The classes of `target`'s nested (`@ValidateNested`) properties. */
function nestedClassesOf(target: Constructor, types: TypeMetadata): Constructor[] {
  const metadatas = getMetadataStorage().getTargetValidationMetadatas(target, '', true, false);
  const classes: Constructor[] = [];
  for (const metadata of metadatas) {
    if (metadata.type !== ValidationTypes.NESTED_VALIDATION) continue;
    const declared = types?.findTypeMetadata(target, metadata.propertyName)?.typeFunction();
    const nested: unknown =
      declared ?? Reflect.getMetadata('design:type', target.prototype, metadata.propertyName);
    if (typeof nested === 'function' && nested.name !== '' && !NOT_CLASSES.has(nested)) {
      classes.push(nested as Constructor);
    }
  }
  return classes;
}

/**
 * class-transformer's registry of `@Type` decorators, which names the class of a nested
 * array's items (the design type says only `Array`). It is not among the package's exports,
 * so it is read from its CommonJS build; without it, nested arrays have no item schema.
 */
function typeMetadata(): TypeMetadata {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const storage = require('class-transformer/cjs/storage') as {
      defaultMetadataStorage?: TypeMetadata;
    };
    return storage.defaultMetadataStorage;
  } catch {
    return undefined;
  }
}
