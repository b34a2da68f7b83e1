-- CreateTable
CREATE TABLE "TaskCandidate" (
    "taskId" TEXT NOT NULL,
    "officialId" TEXT NOT NULL,

    PRIMARY KEY ("taskId", "officialId"),
    CONSTRAINT "TaskCandidate_taskId_fkey" FOREIGN KEY ("taskId") REFERENCES "StepTask" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "TaskCandidate_officialId_idx" ON "TaskCandidate"("officialId");

-- CreateIndex
CREATE INDEX "StepTask_takenByOfficialId_status_idx" ON "StepTask"("takenByOfficialId", "status");

-- Backfill: the candidates of the steps open now.
INSERT OR IGNORE INTO "TaskCandidate" ("taskId", "officialId")
SELECT t."id", json_extract(c.value, '$.officialId')
FROM "StepTask" t, json_each(t."candidates") c
WHERE t."status" = 'open' AND json_extract(c.value, '$.officialId') IS NOT NULL;
