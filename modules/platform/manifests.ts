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

export interface SecretStoreManifest {
  readonly apiVersion: typeof EXTERNAL_SECRETS_API_VERSION;
  readonly kind: "SecretStore";
  readonly metadata: ObjectMeta & { readonly namespace: string };
  readonly spec: {
    readonly provider: {
      readonly aws: {
        readonly service: "SecretsManager";
        readonly region: string;
        readonly auth: { readonly jwt: { readonly serviceAccountRef: { readonly name: string } } };
      };
    };
  };
}

/**
 * A store for Secrets Manager that serves one namespace only: External Secrets authenticates as
 * that namespace's own service account (IRSA), whose role reads only that namespace's secrets. The
 * operator itself holds no AWS permission, and no namespace can read another's secrets.
 */
export function namespacedSecretStore(name: string, namespace: string, region: string, serviceAccount: string): SecretStoreManifest {
  return {
    apiVersion: EXTERNAL_SECRETS_API_VERSION,
    kind: "SecretStore",
    metadata: { name, namespace },
    spec: { provider: { aws: { service: "SecretsManager", region, auth: { jwt: { serviceAccountRef: { name: serviceAccount } } } } } },
  };
}

export interface ExternalSecretManifest {
  readonly apiVersion: typeof EXTERNAL_SECRETS_API_VERSION;
  readonly kind: "ExternalSecret";
  readonly metadata: ObjectMeta;
  readonly spec: {
    readonly refreshInterval: string;
    readonly secretStoreRef: { readonly kind: "SecretStore"; readonly name: string };
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
      secretStoreRef: { kind: "SecretStore", name: options.storeName },
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
  /** The AppProject it belongs to (the platform project). */
  readonly project: string;
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
      project: options.project,
      source: { repoURL: options.repoUrl, targetRevision: options.revision, path: options.path },
      destination: { server: "https://kubernetes.default.svc", namespace: options.namespace },
      syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: ["CreateNamespace=true"] },
    },
  };
}

export interface AppProjectManifest {
  readonly apiVersion: typeof ARGOCD_API_VERSION;
  readonly kind: "AppProject";
  readonly metadata: ObjectMeta & { readonly namespace: string };
  readonly spec: {
    readonly description?: string;
    readonly sourceRepos: readonly string[];
    readonly sourceNamespaces?: readonly string[];
    readonly destinations: readonly { readonly server: string; readonly namespace: string }[];
    readonly clusterResourceWhitelist?: readonly { readonly group: string; readonly kind: string }[];
    readonly namespaceResourceBlacklist?: readonly { readonly group: string; readonly kind: string }[];
  };
}

/** The project Argo CD creates for itself (argo-cd v3.4.4 server/server.go initializeDefaultProject: any repository, anywhere, every kind). */
export const DEFAULT_APP_PROJECT = "default";

const IN_CLUSTER = "https://kubernetes.default.svc";

/**
 * Argo CD projects of an environment, instead of the default project (any repository, anywhere):
 * `platform` — the GitOps repository only, the application namespaces and Argo CD's own, and the
 * only project allowed cluster-scoped resources (the app-of-apps root and the platform path use
 * it); `applications` — the same repository, the application namespaces only, no cluster-scoped
 * resources, and none of the objects that would loosen a namespace (NetworkPolicy, ResourceQuota,
 * LimitRange: the platform owns them); and `default` emptied, exactly as Argo CD's documentation
 * removes all its permissions (argo-cd v3.4.4 docs/user-guide/projects.md "The Default Project":
 * no source repositories, no source namespaces, no destinations, every namespaced kind
 * blacklisted), so an Application that names it, or none, is refused. Argo CD's server creates
 * `default` at start when it is missing; this object replaces that spec.
 */
export function appProjects(options: { readonly namespace: string; readonly repoUrl?: string; readonly applicationNamespaces: readonly string[] }): AppProjectManifest[] {
  const project = (name: string, spec: Omit<AppProjectManifest["spec"], "sourceRepos" | "destinations"> & { readonly namespaces: readonly string[] }): AppProjectManifest => {
    const { namespaces, ...rest } = spec;
    return {
      apiVersion: ARGOCD_API_VERSION,
      kind: "AppProject",
      metadata: { name, namespace: options.namespace },
      spec: { ...rest, sourceRepos: options.repoUrl ? [options.repoUrl] : [], destinations: namespaces.map((namespace) => ({ server: IN_CLUSTER, namespace })) },
    };
  };
  return [
    project("platform", {
      description: "The platform path of the GitOps repository: the app-of-apps root and cluster-scoped objects",
      namespaces: [options.namespace, ...options.applicationNamespaces],
      clusterResourceWhitelist: [{ group: "*", kind: "*" }],
    }),
    project("applications", {
      description: "Applications: their own namespaces only, nothing cluster-scoped",
      namespaces: options.applicationNamespaces,
      clusterResourceWhitelist: [],
      namespaceResourceBlacklist: [
        { group: "networking.k8s.io", kind: "NetworkPolicy" },
        { group: "", kind: "ResourceQuota" },
        { group: "", kind: "LimitRange" },
      ],
    }),
    {
      apiVersion: ARGOCD_API_VERSION,
      kind: "AppProject",
      metadata: { name: DEFAULT_APP_PROJECT, namespace: options.namespace },
      spec: { sourceRepos: [], sourceNamespaces: [], destinations: [], namespaceResourceBlacklist: [{ group: "*", kind: "*" }] },
    },
  ];
}
