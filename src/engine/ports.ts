// The interfaces (ports) the engine needs from the outside world. `store` implements them on
// Prisma; tests may implement them in memory. The engine never imports a store or a channel.
import type { ChannelName } from "./types.ts";

/** The current time; injected so tests can move it. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export interface HeldPosition {
  positionKey: string;
  title: string;
  unitName: string;
  startsOn: Date;
  endsOn: Date | null;
}

export interface OfficialView {
  id: string;
  officeId: string;
  name: string;
  isAdmin: boolean;
  positions: HeldPosition[];
}

export interface PositionView {
  key: string;
  title: string;
  unitName: string;
  superiorKey: string | null;
  holders: { officialId: string; name: string }[];
}

export interface OfficeView {
  id: string;
  name: string;
  shortName: string;
  timeZone: string;
}

/** Who is who: offices, positions, officials and their chat identities. */
export interface Directory {
  office(officeId: string): Promise<OfficeView | null>;
  /** Positions of an office in the order of its flow file, with today's holders. */
  positions(officeId: string, on: Date): Promise<PositionView[]>;
  official(officialId: string, on: Date): Promise<OfficialView | null>;
  /** The official linked to a chat identity, if any. */
  officialByIdentity(channel: ChannelName, externalId: string, on: Date): Promise<OfficialView | null>;
}

/** Someone the console can speak as. */
export interface Persona {
  /** The console identity (ChatIdentity.externalId on channel "console"). */
  externalId: string;
  /** How the person is shown, e.g. "Maria Goreti Bria (Sekretaris)". */
  label: string;
}

/** Lets the console channel act as any person (the console is the office's own terminal). */
export interface PersonaDirectory {
  /** The persona the console starts as. */
  initial(): Promise<Persona>;
  /** People matching a name or position title, best match first. */
  search(query: string): Promise<Persona[]>;
  /** A label for any console chat, used to show to whom a message goes. */
  label(externalId: string): Promise<string>;
}

/** Structured log calls the channels may make (pino's Logger fits). Never pass personal data. */
export interface EventLog {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** A small key–value store (used for the WhatsApp session). Writes are atomic per call. */
export interface KeyValueStore {
  get(keys: string[]): Promise<Map<string, string>>;
  /** Sets or (with null) deletes entries, all in one transaction. */
  set(entries: [string, string | null][]): Promise<void>;
  clear(): Promise<void>;
}

/**
 * Incoming updates kept from arrival until handled (the platform forgets them once confirmed). A
 * channel holds what it received before confirming it, releases each once handled, and after a
 * restart takes back what was held and never released, to handle it again (the inbound receipt
 * makes anything already handled a no-op).
 */
export interface InboundHoldPort {
  /** `channel`: a channel's name, or one bot of a channel with several ("telegram@kota-kupang"). */
  hold(channel: string, items: { messageId: string; payload: string }[], holder: string, at: Date): Promise<void>;
  release(channel: string, messageIds: string[]): Promise<void>;
  /** Re-stamps as `holder`'s and returns the held items stamped before `before`, oldest first. */
  takeBack(channel: string, before: Date, holder: string, at: Date, limit: number): Promise<{ messageId: string; payload: string }[]>;
}

/**
 * Leases in the database: a key held by one instance (`holder`) until it expires. Instances that
 * share a database use them to elect the one that runs the scheduled jobs and the WhatsApp socket.
 */
export interface LeasePort {
  /** Takes the lease when free or expired, or extends it when `holder` has it; true when held now. */
  acquire(key: string, holder: string, ttlMs: number, now: Date): Promise<boolean>;
  /** Gives the lease up at once (a clean stop), so that another instance need not wait for expiry. */
  release(key: string, holder: string): Promise<void>;
  holderOf(key: string, now: Date): Promise<string | null>;
  /** Removes expired leases whose key starts with `prefix` and that expired before `before`. */
  prune(prefix: string, before: Date): Promise<number>;
}
