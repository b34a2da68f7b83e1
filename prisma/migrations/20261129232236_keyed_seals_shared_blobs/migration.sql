-- AlterTable
ALTER TABLE "AuditSeal" ADD COLUMN "mac" TEXT;
ALTER TABLE "AuditSeal" ADD COLUMN "macKeyId" TEXT;

-- AlterTable
ALTER TABLE "StoredFile" ADD COLUMN "blobId" TEXT;
ALTER TABLE "StoredFile" ADD COLUMN "keyId" TEXT;

-- CreateIndex
CREATE INDEX "StoredFile_sha256_idx" ON "StoredFile"("sha256");

-- CreateIndex
CREATE INDEX "StoredFile_blobId_idx" ON "StoredFile"("blobId");

-- Existing files keep their bytes under their own id.
UPDATE "StoredFile" SET "blobId" = "id" WHERE "blobId" IS NULL;
