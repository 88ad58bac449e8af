import { createSocket, type Socket } from "node:dgram";

/**
 * A public DNS stand-in on loopback UDP for the delegation check: answers NS queries for the zones
 * it is told are delegated (as a recursive resolver relays the parent's delegation), NXDOMAIN for
 * every other name, as public DNS does for a subdomain nobody delegates. Real DNS messages (RFC
 * 1035), read by Node's own resolver (c-ares), so the check's lookup path is the one it runs in CI.
 */
export interface DnsStandIn {
  readonly server: string;
  /** Zone → its NS records, as the parent delegates them now. */
  readonly delegations: Map<string, string[]>;
  close(): Promise<void>;
}

const NS = 2;

function encodeName(name: string): Buffer {
  const labels = name.replace(/\.$/, "").split(".").filter(Boolean);
  return Buffer.concat([...labels.map((label) => Buffer.concat([Buffer.from([label.length]), Buffer.from(label, "ascii")])), Buffer.from([0])]);
}

function readQuestion(query: Buffer): { name: string; type: number; end: number } {
  const labels: string[] = [];
  let at = 12;
  while (query[at]! !== 0) {
    const length = query[at]!;
    labels.push(query.subarray(at + 1, at + 1 + length).toString("ascii"));
    at += 1 + length;
  }
  return { name: labels.join(".").toLowerCase(), type: query.readUInt16BE(at + 1), end: at + 5 };
}

function answer(query: Buffer, delegations: Map<string, string[]>): Buffer {
  const question = readQuestion(query);
  const servers = delegations.get(question.name);
  const records = question.type === NS && servers ? servers : [];
  const header = Buffer.alloc(12);
  header.writeUInt16BE(query.readUInt16BE(0), 0);
  // Response, recursion desired and available; NXDOMAIN where nothing is delegated.
  header.writeUInt16BE(0x8180 | (servers ? 0 : 3), 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(records.length, 6);
  const answers = records.map((server) => {
    const rdata = encodeName(server);
    const fixed = Buffer.alloc(12);
    fixed.writeUInt16BE(0xc00c, 0); // the question's name
    fixed.writeUInt16BE(NS, 2);
    fixed.writeUInt16BE(1, 4); // IN
    fixed.writeUInt32BE(300, 6);
    fixed.writeUInt16BE(rdata.length, 10);
    return Buffer.concat([fixed, rdata]);
  });
  return Buffer.concat([header, query.subarray(12, question.end), ...answers]);
}

export async function startDnsStandIn(): Promise<DnsStandIn> {
  const delegations = new Map<string, string[]>();
  const socket: Socket = createSocket("udp4");
  socket.on("message", (query, peer) => socket.send(answer(query, delegations), peer.port, peer.address));
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  return {
    server: `127.0.0.1:${socket.address().port}`,
    delegations,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
