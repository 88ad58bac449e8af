import { Construct } from "constructs";
import type { TerraformProvider } from "cdktf";
import { AcmCertificate } from "@cdktf/provider-aws/lib/acm-certificate";
import { AcmCertificateValidation } from "@cdktf/provider-aws/lib/acm-certificate-validation";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";

export interface RegionalCertificatesProps {
  readonly zoneId: string;
  /** The zone's name: each certificate covers it and `*.<name>`. */
  readonly zoneName: string;
  /** Region → an AWS provider of that region. ACM certificates are regional: a load balancer uses one of its own region. */
  readonly providers: Readonly<Record<string, TerraformProvider>>;
}

/**
 * An ACM certificate for the zone and its wildcard in each region, validated through DNS in the
 * zone (the zone and its wildcard ask for one record), one record per region; every certificate
 * waits until it is issued (aws_acm_certificate_validation) on the records of every region.
 */
export class RegionalCertificates extends Construct {
  /** Region → the certificate's ARN, once issued. */
  readonly arns: Record<string, string> = {};
  readonly certificates: Record<string, AcmCertificate> = {};

  constructor(scope: Construct, id: string, props: RegionalCertificatesProps) {
    super(scope, id);
    const regions = Object.keys(props.providers);
    for (const region of regions) {
      this.certificates[region] = new AcmCertificate(this, `certificate-${region}`, {
        provider: props.providers[region],
        domainName: props.zoneName,
        subjectAlternativeNames: [`*.${props.zoneName}`],
        validationMethod: "DNS",
        // A replacement is issued before the old certificate is released by its listeners.
        lifecycle: { createBeforeDestroy: true },
      });
    }
    // One validation record per region, keyed by region (known when planning; the record names
    // are not): the zone's own option, which its wildcard shares. Where ACM asks both regions for
    // the same record, both write the same name and value (allow_overwrite).
    const optionOf = (region: string) => `[for option in ${this.certificates[region]!.fqn}.domain_validation_options : option if option.domain_name == "${props.zoneName}"][0]`;
    const records = new Route53Record(this, "validation", {
      zoneId: props.zoneId,
      name: "${each.value.resource_record_name}",
      type: "${each.value.resource_record_type}",
      records: ["${each.value.resource_record_value}"],
      ttl: 60,
      allowOverwrite: true,
    });
    records.addOverride("for_each", `\${{ ${regions.map((region) => `"${region}" = ${optionOf(region)}`).join(", ")} }}`);
    for (const region of regions) {
      const validation = new AcmCertificateValidation(this, `validation-${region}`, {
        provider: props.providers[region],
        certificateArn: this.certificates[region]!.arn,
      });
      validation.addOverride("validation_record_fqdns", `\${[for record in ${records.fqn} : record.fqdn]}`);
      this.arns[region] = validation.certificateArn;
    }
  }
}
