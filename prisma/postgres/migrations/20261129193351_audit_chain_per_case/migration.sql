-- AlterTable
ALTER TABLE "AuditEvent" ADD COLUMN     "chain" TEXT,
ADD COLUMN     "seq" INTEGER;

-- AlterTable
ALTER TABLE "Case" ADD COLUMN     "auditHash" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "auditSealedSeq" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "auditSeq" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "AuditChain" (
    "key" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "hash" TEXT NOT NULL,
    "sealedSeq" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "AuditChain_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "AuditSeal" (
    "id" SERIAL NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "heads" TEXT NOT NULL,
    "prevHash" TEXT NOT NULL,
    "hash" TEXT NOT NULL,

    CONSTRAINT "AuditSeal_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "AuditEvent_chain_seq_key" ON "AuditEvent"("chain", "seq");
