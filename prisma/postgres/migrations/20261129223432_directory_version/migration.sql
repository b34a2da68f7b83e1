-- CreateTable
CREATE TABLE "DirectoryVersion" (
    "id" INTEGER NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "DirectoryVersion_pkey" PRIMARY KEY ("id")
);

-- The one row, and the triggers that move it when the directory changes (applicants' chat
-- identities, which carry no official, do not count).
INSERT INTO "DirectoryVersion" ("id", "version") VALUES (1, 0);

-- The body's semicolons are written \073 (octal, in an E'' string): Prisma's schema engine splits a
-- migration at every semicolon, even inside a function body.
CREATE FUNCTION "directory_changed"() RETURNS trigger LANGUAGE plpgsql
AS E'BEGIN UPDATE "DirectoryVersion" SET "version" = "version" + 1 WHERE "id" = 1\073 RETURN NULL\073 END';

CREATE TRIGGER "directory_Official" AFTER INSERT OR UPDATE OR DELETE ON "Official"
FOR EACH ROW EXECUTE FUNCTION "directory_changed"();
CREATE TRIGGER "directory_PositionHolding" AFTER INSERT OR UPDATE OR DELETE ON "PositionHolding"
FOR EACH ROW EXECUTE FUNCTION "directory_changed"();
CREATE TRIGGER "directory_Delegation" AFTER INSERT OR UPDATE OR DELETE ON "Delegation"
FOR EACH ROW EXECUTE FUNCTION "directory_changed"();
CREATE TRIGGER "directory_ChatIdentity_insert" AFTER INSERT ON "ChatIdentity"
FOR EACH ROW WHEN (NEW."officialId" IS NOT NULL) EXECUTE FUNCTION "directory_changed"();
CREATE TRIGGER "directory_ChatIdentity_update" AFTER UPDATE ON "ChatIdentity"
FOR EACH ROW WHEN (NEW."officialId" IS NOT NULL OR OLD."officialId" IS NOT NULL) EXECUTE FUNCTION "directory_changed"();
CREATE TRIGGER "directory_ChatIdentity_delete" AFTER DELETE ON "ChatIdentity"
FOR EACH ROW WHEN (OLD."officialId" IS NOT NULL) EXECUTE FUNCTION "directory_changed"();
