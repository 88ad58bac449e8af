/**
 * The cluster's default IngressClass: one internet-facing ALB per cluster (every Ingress of the
 * class joins one group), HTTPS with the region's ACM certificate of the zone and a current TLS
 * policy. Auto Mode reads `eks.amazonaws.com/v1` IngressClassParams (EKS user guide,
 * automode/auto-configure-alb: `scheme`, `group.name`, `certificateARNs` in its field table; no
 * `sslRedirectPort`, so the redirect is an Ingress annotation, added by a Kyverno policy). The
 * guide's table leaves `sslPolicy` out, and its migration table lists it among no changed fields;
 * the schema of the CRD EKS Auto Mode serves has it, "SSLPolicy specifies the SSL Policy for all
 * Ingresses that belong to IngressClass with this IngressClassParams" (spec.sslPolicy, string;
 * the CRD as extracted from an Auto Mode cluster in datreeio/CRDs-catalog
 * eks.amazonaws.com/ingressclassparams_v1.json, 2dcd0601, 2025-02-02, read 2026-12-07). The AWS
 * Load Balancer Controller reads `elbv2.k8s.aws/v1beta1` (v3.5.0 docs/guide/ingress/ingress_class.md:
 * `certificateArn`, `sslRedirectPort`).
 */

/** The name applications' Ingresses use (`spec.ingressClassName`), or leave out: it is the default. */
export const INGRESS_CLASS = "alb";

/**
 * TLS 1.3 and 1.2 only, restricted ciphers, with post-quantum key exchange: the policy the ELB
 * documentation recommends and the console's default (Application Load Balancers,
 * describe-ssl-policies, read 2026-12-02). Its predecessor ELBSecurityPolicy-TLS13-1-2-2021-06 is
 * the aws-cdk's RECOMMENDED_TLS.
 */
export const ALB_TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09";

export interface IngressClassProps {
  readonly controller: "auto-mode" | "aws-load-balancer-controller";
  readonly certificateArn: string;
  /** One ALB for every Ingress of the class: the cluster's name. */
  readonly groupName: string;
}

/** IngressClassParams (either controller's) or the IngressClass. */
export interface IngressClassObject {
  readonly apiVersion: string;
  readonly kind: "IngressClassParams" | "IngressClass";
  readonly metadata: { readonly name: string; readonly annotations?: Readonly<Record<string, string>> };
  readonly spec: Readonly<Record<string, unknown>>;
}

export function ingressClassManifests(props: IngressClassProps): [IngressClassObject, IngressClassObject] {
  const autoMode = props.controller === "auto-mode";
  const apiGroup = autoMode ? "eks.amazonaws.com" : "elbv2.k8s.aws";
  const params: IngressClassObject = {
    apiVersion: autoMode ? "eks.amazonaws.com/v1" : "elbv2.k8s.aws/v1beta1",
    kind: "IngressClassParams",
    metadata: { name: INGRESS_CLASS },
    spec: {
      scheme: "internet-facing",
      group: { name: props.groupName },
      sslPolicy: ALB_TLS_POLICY,
      ...(autoMode ? { certificateARNs: [props.certificateArn] } : { certificateArn: [props.certificateArn], sslRedirectPort: "443" }),
    },
  };
  const ingressClass: IngressClassObject = {
    apiVersion: "networking.k8s.io/v1",
    kind: "IngressClass",
    metadata: { name: INGRESS_CLASS, annotations: { "ingressclass.kubernetes.io/is-default-class": "true" } },
    spec: { controller: autoMode ? "eks.amazonaws.com/alb" : "ingress.k8s.aws/alb", parameters: { apiGroup, kind: "IngressClassParams", name: INGRESS_CLASS } },
  };
  return [params, ingressClass];
}
