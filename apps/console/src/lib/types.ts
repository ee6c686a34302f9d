import type { EventOut } from '@tasksgodzilla/client';

/** Core's JSON types, as the client's records carry them (the console depends on the client only). */
export type JsonObject = NonNullable<EventOut['metadata']>;
export type JsonValue = JsonObject[string];
