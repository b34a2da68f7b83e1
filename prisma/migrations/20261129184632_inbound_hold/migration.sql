-- CreateTable
CREATE TABLE "InboundHold" (
    "channel" TEXT NOT NULL,
    "messageId" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "holder" TEXT NOT NULL,
    "heldAt" DATETIME NOT NULL,

    PRIMARY KEY ("channel", "messageId")
);

-- CreateIndex
CREATE INDEX "InboundHold_channel_heldAt_idx" ON "InboundHold"("channel", "heldAt");
