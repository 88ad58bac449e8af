import { AssetType, Lazy, TerraformAsset, dependable, type ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { Release } from "@cdktf/provider-helm/lib/release";
import { toHelmValues } from "./values";

/**
 * Kubernetes objects delivered by a Helm release of the repository's own chart
 * (`charts/platform-objects`: one template that renders each entry of `.Values.objects` verbatim),
 * instead of one `kubernetes_manifest` each.
 *
 * Why: `kubernetes_manifest` asks the cluster for the kind's schema while planning
 * (hashicorp/terraform-provider-kubernetes v2.38.0 `manifest/provider/plan.go`: "API did not
 * recognize GroupVersionKind from manifest (CRD may not be installed)"), so a custom resource whose
 * CRD a release of the same stack installs cannot be planned on a fresh cluster. A `helm_release`
 * only loads the chart from disk at plan time (hashicorp/terraform-provider-helm v3.1.1
 * `helm/resource_helm_release.go` ModifyPlan: `getChart`, and a dry run only with the provider's
 * `experiments.manifest`, which is off), and installs after the releases it depends on have
 * installed the CRDs. It also writes empty lists and maps as given, which `kubernetes_manifest`
 * 2.38.0 turns into null (`manifest/payload/from_value.go`; issue #2783).
 *
 * The contract the schema checks read: the release's only `values` document is YAML (JSON) whose
 * top-level key `objects` is the list of objects, verbatim.
 */

/** The key of the values document that holds the objects. */
export const OBJECTS_VALUES_KEY = "objects";

/** What every object carries; the rest is its kind's. */
export interface KubernetesObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string };
}

export interface ObjectsReleaseProps {
  /** The chart directory shipped into the stack's output (one asset per stack, shared by its releases). */
  readonly chart: TerraformAsset;
  /** Helm release name; also the construct id. */
  readonly name: string;
  /** Where Helm keeps the release record; objects name their own namespace (or are cluster-scoped). */
  readonly namespace: string;
  /** What must exist first: the releases that install the CRDs (and serve their webhooks), the namespaces. */
  readonly dependsOn?: ITerraformDependable[];
  /**
   * Adopt objects that already exist without Helm's ownership labels (helm provider v3.1.1
   * `take_ownership`: "allows Helm to adopt existing resources not marked as managed by the
   * release"). Only for an object something else creates first, such as Argo CD's `default` project.
   * @default false
   */
  readonly takeOwnership?: boolean;
}

/** The chart directory as a Terraform asset of the stack: copied into its output folder, referenced relatively. */
export function objectsChartAsset(scope: Construct, id: string, directory: string): TerraformAsset {
  return new TerraformAsset(scope, id, { path: directory, type: AssetType.DIRECTORY });
}

/**
 * One release of the objects chart. Objects may be added until synth (`add`): the values are
 * rendered lazily, so a release made early can collect objects from later parts of the platform.
 */
export class ObjectsRelease extends Construct {
  readonly release: Release;
  private readonly objects: KubernetesObject[] = [];

  constructor(scope: Construct, props: ObjectsReleaseProps) {
    super(scope, props.name);
    this.release = new Release(this, "release", {
      name: props.name,
      // A relative path inside the stack's folder, where Terraform runs (a local chart, no repository).
      chart: props.chart.path,
      namespace: props.namespace,
      createNamespace: false,
      values: [Lazy.stringValue({ produce: () => toHelmValues({ [OBJECTS_VALUES_KEY]: this.objects }) })],
      // A failed install or upgrade rolls back instead of leaving half the objects applied.
      atomic: true,
      cleanupOnFail: true,
      maxHistory: 10,
      timeout: 300,
      takeOwnership: props.takeOwnership,
      dependsOn: props.dependsOn && props.dependsOn.length > 0 ? props.dependsOn : undefined,
    });
  }

  add(...objects: KubernetesObject[]): this {
    this.objects.push(...objects);
    return this;
  }

  /** Waits for more: what the objects added later need first (their namespaces, service accounts). */
  after(...dependencies: ITerraformDependable[]): this {
    const known = this.release.dependsOn ?? [];
    // The form the constructor's dependsOn takes (a bare address once synthesized).
    this.release.dependsOn = [...known, ...dependencies.map((d) => dependable(d)).filter((address) => !known.includes(address))];
    return this;
  }
}

/** Where cdktf ships a stack's assets, relative to the stack's folder (TerraformAsset.path). */
export const STACK_ASSETS_DIRECTORY = "assets/";

/** Whether a synthesized `helm_release` is one of the objects chart: a chart from the stack's own assets, no repository. */
export function isObjectsRelease(release: { readonly chart?: unknown; readonly repository?: unknown }): boolean {
  return release.repository === undefined && typeof release.chart === "string" && release.chart.startsWith(STACK_ASSETS_DIRECTORY);
}

/** The objects a synthesized objects release writes: its values document's `objects`, verbatim (Terraform expressions left in). */
export function objectsOfRelease(release: { readonly values?: unknown }): Record<string, unknown>[] {
  const [document] = Array.isArray(release.values) ? release.values : [];
  if (typeof document !== "string") return [];
  const objects = (JSON.parse(document) as Record<string, unknown>)[OBJECTS_VALUES_KEY];
  return Array.isArray(objects) ? (objects as Record<string, unknown>[]) : [];
}
