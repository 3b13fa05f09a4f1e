type Document = Record<string, unknown>;

/** A read-only view: `viewOn` (a collection or view of the same database) seen through `pipeline`. */
export interface ViewDefinition {
  readonly name: string;
  readonly viewOn: string;
  readonly pipeline: readonly Document[];
  readonly options: Readonly<Document>;
}
