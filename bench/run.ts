// npm run bench: runs every benchmark and prints its figures.
import { benchStaffDeadlines } from "./staff-deadlines.ts";

await benchStaffDeadlines();
