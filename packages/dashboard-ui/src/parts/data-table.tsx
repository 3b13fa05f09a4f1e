import type { ComponentChildren } from 'preact';

/** A column heading; `hidden` ones are read by screen readers only (an actions column). */
export interface Column {
  readonly title: string;
  readonly hidden?: boolean;
  readonly numeric?: boolean;
}

/**
 * A table in a region that scrolls sideways on a narrow screen (the document never does).
 * The region is focusable, so a keyboard can scroll it too, and named by `label`.
 */
export function DataTable({
  label,
  columns,
  children,
}: {
  label: string;
  columns: readonly Column[];
  children: ComponentChildren;
}) {
  return (
    <div class="table-scroll" role="region" aria-label={label} tabIndex={0}>
      <table>
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column.title} scope="col" class={column.numeric ? 'num' : undefined}>
                {column.hidden ? <span class="visually-hidden">{column.title}</span> : column.title}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
