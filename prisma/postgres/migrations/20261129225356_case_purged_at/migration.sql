-- AlterTable
ALTER TABLE "Case" ADD COLUMN     "purgedAt" TIMESTAMP(3);
