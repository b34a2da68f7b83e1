-- CreateTable
CREATE TABLE "TaskCandidate" (
    "taskId" TEXT NOT NULL,
    "officialId" TEXT NOT NULL,

    CONSTRAINT "TaskCandidate_pkey" PRIMARY KEY ("taskId","officialId")
);

-- CreateIndex
CREATE INDEX "TaskCandidate_officialId_idx" ON "TaskCandidate"("officialId");

-- CreateIndex
CREATE INDEX "StepTask_takenByOfficialId_status_idx" ON "StepTask"("takenByOfficialId", "status");

-- AddForeignKey
ALTER TABLE "TaskCandidate" ADD CONSTRAINT "TaskCandidate_taskId_fkey" FOREIGN KEY ("taskId") REFERENCES "StepTask"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Backfill: the candidates of the steps open now.
INSERT INTO "TaskCandidate" ("taskId", "officialId")
SELECT DISTINCT t."id", c ->> 'officialId'
FROM "StepTask" t, jsonb_array_elements(t."candidates"::jsonb) c
WHERE t."status" = 'open' AND c ->> 'officialId' IS NOT NULL
ON CONFLICT DO NOTHING;
