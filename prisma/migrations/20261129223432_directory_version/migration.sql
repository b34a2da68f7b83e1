-- CreateTable
CREATE TABLE "DirectoryVersion" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "version" INTEGER NOT NULL DEFAULT 0
);

-- The one row, and the triggers that move it when the directory changes (applicants' chat
-- identities, which carry no official, do not count).
INSERT INTO "DirectoryVersion" ("id", "version") VALUES (1, 0);
CREATE TRIGGER "directory_Official_insert" AFTER INSERT ON "Official"
BEGIN UPDATE "DirectoryVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "directory_Official_update" AFTER UPDATE ON "Official"
BEGIN UPDATE "DirectoryVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "directory_Official_delete" AFTER DELETE ON "Official"
BEGIN UPDATE "DirectoryVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "directory_PositionHolding_insert" AFTER INSERT ON "PositionHolding"
BEGIN UPDATE "DirectoryVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "directory_PositionHolding_update" AFTER UPDATE ON "PositionHolding"
BEGIN UPDATE "DirectoryVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "directory_PositionHolding_delete" AFTER DELETE ON "PositionHolding"
BEGIN UPDATE "DirectoryVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "directory_Delegation_insert" AFTER INSERT ON "Delegation"
BEGIN UPDATE "DirectoryVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "directory_Delegation_update" AFTER UPDATE ON "Delegation"
BEGIN UPDATE "DirectoryVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "directory_Delegation_delete" AFTER DELETE ON "Delegation"
BEGIN UPDATE "DirectoryVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "directory_ChatIdentity_insert" AFTER INSERT ON "ChatIdentity" WHEN NEW."officialId" IS NOT NULL
BEGIN UPDATE "DirectoryVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "directory_ChatIdentity_update" AFTER UPDATE ON "ChatIdentity"
WHEN NEW."officialId" IS NOT NULL OR OLD."officialId" IS NOT NULL
BEGIN UPDATE "DirectoryVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "directory_ChatIdentity_delete" AFTER DELETE ON "ChatIdentity" WHEN OLD."officialId" IS NOT NULL
BEGIN UPDATE "DirectoryVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
