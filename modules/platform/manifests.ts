import { LOGIN_SECRET_PROPERTIES } from "../secrets/generated-login";
import { GRAFANA_ADMIN_SECRET_KEYS } from "./values";

/**
 * Typed custom resources the platform creates with `kubernetes_manifest`. Their CRDs come with the
 * Helm charts, so each is applied after the release that installs its CRD (see docs/platform.md for
 * the first-apply caveat).
 */

interface ObjectMeta {
  readonly name: string;
  readonly namespace?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly finalizers?: readonly string[];
}

export const EXTERNAL_SECRETS_API_VERSION = "external-secrets.io/v1";
export const ARGOCD_API_VERSION = "argoproj.io/v1alpha1";

export interface ClusterSecretStoreManifest {
  readonly apiVersion: typeof EXTERNAL_SECRETS_API_VERSION;
  readonly kind: "ClusterSecretStore";
  readonly metadata: ObjectMeta;
  readonly spec: {
    readonly provider: { readonly aws: { readonly service: "SecretsManager"; readonly region: string } };
  };
}

/**
 * A cluster-wide store for Secrets Manager in `region`. No `auth` block: the operator uses its own
 * service account's IRSA role, so no access keys exist anywhere.
 */
export function clusterSecretStore(name: string, region: string): ClusterSecretStoreManifest {
  return {
    apiVersion: EXTERNAL_SECRETS_API_VERSION,
    kind: "ClusterSecretStore",
    metadata: { name },
    spec: { provider: { aws: { service: "SecretsManager", region } } },
  };
}

export interface ExternalSecretManifest {
  readonly apiVersion: typeof EXTERNAL_SECRETS_API_VERSION;
  readonly kind: "ExternalSecret";
  readonly metadata: ObjectMeta;
  readonly spec: {
    readonly refreshInterval: string;
    readonly secretStoreRef: { readonly kind: "ClusterSecretStore"; readonly name: string };
    readonly target: { readonly name: string; readonly creationPolicy: "Owner" };
    readonly data: readonly {
      readonly secretKey: string;
      readonly remoteRef: { readonly key: string; readonly property: string };
    }[];
  };
}

export interface GrafanaAdminSecretOptions {
  readonly namespace: string;
  /** Name of the Kubernetes Secret to create (Grafana's `admin.existingSecret`). */
  readonly targetSecretName: string;
  /** Name of the JSON secret in Secrets Manager ({"username": …, "password": …}). */
  readonly secretsManagerName: string;
  readonly storeName: string;
}

/** Materialises the Grafana admin credentials from Secrets Manager into a Kubernetes Secret. */
export function grafanaAdminExternalSecret(options: GrafanaAdminSecretOptions): ExternalSecretManifest {
  return {
    apiVersion: EXTERNAL_SECRETS_API_VERSION,
    kind: "ExternalSecret",
    metadata: { name: options.targetSecretName, namespace: options.namespace },
    spec: {
      refreshInterval: "1h",
      secretStoreRef: { kind: "ClusterSecretStore", name: options.storeName },
      target: { name: options.targetSecretName, creationPolicy: "Owner" },
      data: [
        { secretKey: GRAFANA_ADMIN_SECRET_KEYS.user, remoteRef: { key: options.secretsManagerName, property: LOGIN_SECRET_PROPERTIES.username } },
        { secretKey: GRAFANA_ADMIN_SECRET_KEYS.password, remoteRef: { key: options.secretsManagerName, property: LOGIN_SECRET_PROPERTIES.password } },
      ],
    },
  };
}

export interface ApplicationManifest {
  readonly apiVersion: typeof ARGOCD_API_VERSION;
  readonly kind: "Application";
  readonly metadata: ObjectMeta;
  readonly spec: {
    readonly project: string;
    readonly source: { readonly repoURL: string; readonly targetRevision: string; readonly path: string };
    readonly destination: { readonly server: string; readonly namespace: string };
    readonly syncPolicy: {
      readonly automated: { readonly prune: boolean; readonly selfHeal: boolean };
      readonly syncOptions: readonly string[];
    };
  };
}

export interface AppOfAppsOptions {
  readonly name: string;
  readonly namespace: string;
  readonly repoUrl: string;
  readonly revision: string;
  readonly path: string;
}

/** The root Application of the app-of-apps pattern: it syncs a folder of further Application manifests. */
export function appOfApps(options: AppOfAppsOptions): ApplicationManifest {
  return {
    apiVersion: ARGOCD_API_VERSION,
    kind: "Application",
    metadata: {
      name: options.name,
      namespace: options.namespace,
      // Deleting the root Application deletes what it deployed, instead of orphaning it.
      finalizers: ["resources-finalizer.argocd.argoproj.io"],
    },
    spec: {
      project: "default",
      source: { repoURL: options.repoUrl, targetRevision: options.revision, path: options.path },
      destination: { server: "https://kubernetes.default.svc", namespace: options.namespace },
      syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: ["CreateNamespace=true"] },
    },
  };
}
