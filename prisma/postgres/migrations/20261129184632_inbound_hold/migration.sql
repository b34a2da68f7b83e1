-- CreateTable
CREATE TABLE "InboundHold" (
    "channel" TEXT NOT NULL,
    "messageId" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "holder" TEXT NOT NULL,
    "heldAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "InboundHold_pkey" PRIMARY KEY ("channel","messageId")
);

-- CreateIndex
CREATE INDEX "InboundHold_channel_heldAt_idx" ON "InboundHold"("channel", "heldAt");
