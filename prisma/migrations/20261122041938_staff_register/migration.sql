-- CreateTable
CREATE TABLE "Employee" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "officeId" TEXT NOT NULL,
    "nip" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "positionTitle" TEXT NOT NULL,
    "positionKind" TEXT NOT NULL,
    "grade" TEXT,
    "initialGrade" TEXT,
    "birthDate" TEXT NOT NULL,
    "tmtCpns" TEXT NOT NULL,
    "gender" TEXT NOT NULL,
    "lastKgb" TEXT,
    "lastPromotion" TEXT,
    "retirementAgeOverride" INTEGER,
    "nextKgbOverride" TEXT,
    "nextPromotionOverride" TEXT,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "importedAt" DATETIME NOT NULL,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "StaffMilestone" (
    "employeeId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "tmt" TEXT NOT NULL,
    "milestone" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "caseId" TEXT,
    "at" DATETIME NOT NULL,

    PRIMARY KEY ("employeeId", "kind", "tmt", "milestone")
);

-- CreateIndex
CREATE UNIQUE INDEX "Employee_officeId_nip_key" ON "Employee"("officeId", "nip");
