-- AlterTable
ALTER TABLE "Case" ADD COLUMN "purgedAt" DATETIME;
