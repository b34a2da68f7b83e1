-- CreateTable
CREATE TABLE "Office" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "shortName" TEXT NOT NULL,
    "timeZone" TEXT NOT NULL,
    "flowHash" TEXT NOT NULL,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Unit" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "officeId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "parentKey" TEXT,
    "sortOrder" INTEGER NOT NULL,
    CONSTRAINT "Unit_officeId_fkey" FOREIGN KEY ("officeId") REFERENCES "Office" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Position" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "officeId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "unitKey" TEXT NOT NULL,
    "superiorKey" TEXT,
    "kind" TEXT NOT NULL,
    "sortOrder" INTEGER NOT NULL,
    CONSTRAINT "Position_officeId_fkey" FOREIGN KEY ("officeId") REFERENCES "Office" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Official" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "officeId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "nip" TEXT,
    "isAdmin" BOOLEAN NOT NULL DEFAULT false,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Official_officeId_fkey" FOREIGN KEY ("officeId") REFERENCES "Office" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ChatIdentity" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "channel" TEXT NOT NULL,
    "externalId" TEXT NOT NULL,
    "alias" TEXT,
    "displayName" TEXT,
    "officialId" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ChatIdentity_officialId_fkey" FOREIGN KEY ("officialId") REFERENCES "Official" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "PositionHolding" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "officialId" TEXT NOT NULL,
    "positionId" TEXT NOT NULL,
    "startsOn" DATETIME NOT NULL,
    "endsOn" DATETIME,
    CONSTRAINT "PositionHolding_officialId_fkey" FOREIGN KEY ("officialId") REFERENCES "Official" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "PositionHolding_positionId_fkey" FOREIGN KEY ("positionId") REFERENCES "Position" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "Unit_officeId_key_key" ON "Unit"("officeId", "key");

-- CreateIndex
CREATE UNIQUE INDEX "Position_officeId_key_key" ON "Position"("officeId", "key");

-- CreateIndex
CREATE INDEX "Official_officeId_idx" ON "Official"("officeId");

-- CreateIndex
CREATE INDEX "ChatIdentity_channel_alias_idx" ON "ChatIdentity"("channel", "alias");

-- CreateIndex
CREATE UNIQUE INDEX "ChatIdentity_channel_externalId_key" ON "ChatIdentity"("channel", "externalId");

-- CreateIndex
CREATE INDEX "PositionHolding_positionId_idx" ON "PositionHolding"("positionId");

-- CreateIndex
CREATE INDEX "PositionHolding_officialId_idx" ON "PositionHolding"("officialId");
