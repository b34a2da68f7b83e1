import { describe, expect, it } from "vitest";
import { formatStandardTime, parseStandardTime } from "../../src/domain/standard-time.ts";

describe("parseStandardTime", () => {
  it.each([
    ["15 menit", { kind: "minutes", value: 15 }],
    ["2 Jam", { kind: "minutes", value: 120 }],
    ["360 Menit", { kind: "minutes", value: 360 }],
    ["3 hari", { kind: "workingDays", value: 3 }],
    ["1 Hari Kerja", { kind: "workingDays", value: 1 }],
    ["1 minggu", { kind: "workingDays", value: 5 }],
    ["3 Bulan", { kind: "workingDays", value: 60 }],
    ["1 tahun", { kind: "workingDays", value: 240 }],
    ["  20 Jam ", { kind: "minutes", value: 1200 }],
    ["3. Jam", { kind: "unparsed" }],
    ["Pada hari dan jam kerja", { kind: "unparsed" }],
    ["", { kind: "unparsed" }],
    ["2-3 hari", { kind: "unparsed" }],
  ])("%j", (printed, expected) => {
    expect(parseStandardTime(printed)).toEqual(expected);
  });
});

describe("formatStandardTime", () => {
  it.each([
    [{ minutes: 15 }, "15 menit"],
    [{ minutes: 60 }, "1 jam"],
    [{ minutes: 255 }, "4 jam 15 menit"],
    [{ workingDays: 3 }, "3 hari kerja"],
    [null, "tidak ditentukan"],
  ] as const)("%j", (time, expected) => {
    expect(formatStandardTime(time)).toBe(expected);
  });
});
