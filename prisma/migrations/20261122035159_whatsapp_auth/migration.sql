-- CreateTable
CREATE TABLE "WhatsAppAuth" (
    "account" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "value" TEXT NOT NULL,

    PRIMARY KEY ("account", "key")
);
