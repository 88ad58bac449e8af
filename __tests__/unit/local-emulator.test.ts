import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { freeLoopbackPort } from "../../src/cli/emulator";

describe("the local emulator's port", () => {
  it("is the port this checkout used last when that one is free, so a restart keeps the stacks' endpoints", async () => {
    const port = await freeLoopbackPort();
    expect(await freeLoopbackPort(port)).toBe(port);
  });

  it("is another free port when the last one is taken", async () => {
    const server = createServer();
    const taken = await new Promise<number>((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as { port: number }).port)));
    try {
      const port = await freeLoopbackPort(taken);
      expect(port).not.toBe(taken);
      expect(port).toBeGreaterThan(0);
    } finally {
      server.close();
    }
  });
});
