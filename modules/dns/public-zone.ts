import { Construct } from "constructs";
import { Route53Zone } from "@cdktf/provider-aws/lib/route53-zone";
import { DataAwsRoute53Zone } from "@cdktf/provider-aws/lib/data-aws-route53-zone";

export interface PublicZoneProps {
  readonly name: string;
  /** "create": a new public hosted zone; "existing": the account's public zone of that name, looked up. */
  readonly mode: "create" | "existing";
}

/** A public Route 53 hosted zone, created or looked up by name; its ID either way. */
export class PublicZone extends Construct {
  readonly zoneId: string;
  readonly name: string;
  /** The name servers to delegate to from the parent domain (a created zone; looked up, the existing ones). */
  readonly nameServers: string[];

  constructor(scope: Construct, id: string, props: PublicZoneProps) {
    super(scope, id);
    if (props.mode === "create") {
      const zone = new Route53Zone(this, "zone", { name: props.name, comment: "Public zone of the applications (managed by Terraform; records by external-dns)" });
      this.zoneId = zone.zoneId;
      this.nameServers = zone.nameServers;
    } else {
      const zone = new DataAwsRoute53Zone(this, "zone", { name: props.name, privateZone: false });
      this.zoneId = zone.zoneId;
      this.nameServers = zone.nameServers;
    }
    this.name = props.name;
  }
}
