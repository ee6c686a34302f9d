import type { TasksGodzillaClient } from '@tasksgodzilla/client';
import { createContext, useContext } from 'react';
import type { EventBus } from './lib/event-bus.js';

export type StatusLevel = 'info' | 'error' | 'toast';

export interface ConsoleContextValue {
  client: TasksGodzillaClient;
  bus: EventBus;
  /** Shows a message in the header status area. */
  notify(text: string, level?: StatusLevel): void;
}

export const ConsoleContext = createContext<ConsoleContextValue | null>(null);

export function useConsole(): ConsoleContextValue {
  const value = useContext(ConsoleContext);
  if (!value) throw new Error('useConsole() outside <ConsoleContext.Provider>');
  return value;
}
