-- CreateIndex
CREATE INDEX "OutboxMessage_mergedIntoId_idx" ON "OutboxMessage"("mergedIntoId");
