// A reason another person must act on says something: two words with letters, six letters at least.
import { describe, expect, it } from "vitest";
import { messageProblem, reasonProblem } from "../../src/domain/reason-check.ts";

describe("reasonProblem", () => {
  it.each([
    ["", "empty"],
    ["   ", "empty"],
    ["x", "too-short"],
    ["ok", "too-short"],
    ["tidak", "too-short"],
    ["123 456", "no-letters"],
    ["?? !!", "no-letters"],
    ["a b", "too-short"],
  ])("refuses %j (%s)", (text, problem) => {
    expect(reasonProblem(text)).toBe(problem);
  });

  it.each([
    "KTP buram",
    "Salah SOP",
    "Surat tugas belum ditandatangani ketua koperasi",
    "Pindaian ijazah tidak terbaca",
    "NIK 5371 tidak sesuai KTP",
  ])("accepts %j", (text) => {
    expect(reasonProblem(text)).toBeNull();
  });
});

describe("messageProblem", () => {
  it("needs one word with letters", () => {
    expect(messageProblem("")).toBe("empty");
    expect(messageProblem("123")).toBe("no-letters");
    expect(messageProblem("Baik")).toBeNull();
  });
});
