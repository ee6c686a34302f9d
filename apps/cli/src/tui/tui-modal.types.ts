export interface FormField {
  name: string;
  label: string;
  value: string;
  /** Shown as `*` (tokens). */
  secret?: boolean;
  required?: boolean;
  hint?: string;
}

export interface MenuItem {
  /** Shortcut shown next to the label (the same key works outside the menu). */
  key?: string;
  label: string;
  run(): void;
}

/** The dialog on screen, if any; while one is open the page's keys are off. */
export type ModalSpec =
  | { kind: 'form'; title: string; fields: FormField[]; submit(values: Record<string, string>): Promise<string | null> }
  | { kind: 'menu'; title: string; items: MenuItem[] }
  | { kind: 'confirm'; title: string; message: string; confirm(): void }
  | { kind: 'help' };
