import type { Construct } from "constructs";
import type { EnvironmentConfig } from "../config/types";
import { EnvironmentStack, type EnvironmentStackProps } from "./environment-stack";
import { useStateBackend } from "../../backend/state-backend";
import { stackStateLocation } from "./state-location";

export interface FailoverPairStackProps extends EnvironmentStackProps {
  /** The primary of the failover pair (prod); `env` is its standby (DR), whose account and region the stack uses. */
  readonly primary: EnvironmentConfig;
}

/**
 * A stack of what a failover pair shares in one zone (dr-zone, dr-global): in the standby's
 * account, region and state backend, for the standby's zone.
 */
export abstract class FailoverPairStack extends EnvironmentStack {
  readonly primary: EnvironmentConfig;
  readonly dns: NonNullable<EnvironmentConfig["dns"]>;

  constructor(scope: Construct, stackName: string, props: FailoverPairStackProps) {
    super(scope, stackName, props);
    if (!props.env.dns) throw new Error(`${stackName}: ${props.env.name} has no dns; this stack exists only for a failover pair with one zone.`);
    this.primary = props.primary;
    this.dns = props.env.dns;
    useStateBackend(this, stackStateLocation(props.env, props.target, stackName));
  }
}
