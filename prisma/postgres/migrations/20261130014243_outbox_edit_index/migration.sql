-- CreateIndex
CREATE INDEX "OutboxMessage_editOfId_idx" ON "OutboxMessage"("editOfId");
