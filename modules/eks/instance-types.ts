/** Matches Graviton instance types: m6g.large, c7gn.xlarge, r6gd.2xlarge, t4g.medium … */
const GRAVITON = /^[a-z]+\d+g[a-z]*\./;

/** Whether an EC2 instance type is Graviton (arm64); a node group takes one architecture. */
export const isGraviton = (instanceType: string) => GRAVITON.test(instanceType);
