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
