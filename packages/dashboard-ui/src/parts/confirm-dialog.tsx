import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

/**
 * A modal question (a native `<dialog>`: focus stays inside it, Escape cancels), with a
 * button that confirms and one that cancels (`dismissLabel`, "Cancel" by default); the
 * cancel button has the focus first, so that Enter pressed by habit does not start the
 * action.
 */
export function ConfirmDialog({
  title,
  confirmLabel,
  dismissLabel = 'Cancel',
  danger,
  onConfirm,
  onCancel,
  children,
}: {
  title: string;
  confirmLabel: string;
  dismissLabel?: string;
  danger?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
  children: ComponentChildren;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const element = dialog.current;
    if (element === null) return;
    if (!element.open) element.showModal();
    cancel.current?.focus();
    return () => element.close();
  }, []);
  return (
    <dialog
      ref={dialog}
      class="confirm"
      aria-labelledby="confirm-title"
      onCancel={(event) => {
        event.preventDefault();
        onCancel();
      }}
    >
      <h2 id="confirm-title">{title}</h2>
      {children}
      <div class="dialog-buttons">
        <button ref={cancel} type="button" class="btn" onClick={onCancel}>
          {dismissLabel}
        </button>
        <button
          type="button"
          class={`btn confirm-action${danger ? ' danger' : ''}`}
          onClick={onConfirm}
        >
          {confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
