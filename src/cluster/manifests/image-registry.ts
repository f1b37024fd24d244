// Moves image references to another registry (a mirror, or where `rescape build` pushed them), keeping the
// repository path and the tag or digest: docker.io/library/mongo:4.4.6 → registry.example.com/mirror/library/mongo:4.4.6.

/** A first path component that names a registry host rather than a Docker Hub user (the Docker CLI's rule). */
function isRegistryHost(component: string): boolean {
  return component.includes('.') || component.includes(':') || component === 'localhost';
}

/**
 * `image` under `registry` (host[:port][/path], no trailing slash). A reference without a host is a Docker Hub
 * one, and Docker Hub's official images live under library/, so "mongo:4.4.6" moves to <registry>/library/mongo:4.4.6,
 * the path registry mirrors and pull-through caches use.
 */
export function relocateImage(image: string, registry: string): string {
  const slash = image.indexOf('/');
  const hasHost = slash > 0 && isRegistryHost(image.slice(0, slash));
  const path = hasHost ? image.slice(slash + 1) : slash < 0 ? `library/${image}` : image;
  return `${registry}/${path}`;
}

/** Whether the reference names its registry, as every image in manifests/ does (so a mirror needs no guessing). */
export function isFullyQualified(image: string): boolean {
  const slash = image.indexOf('/');
  return slash > 0 && isRegistryHost(image.slice(0, slash));
}
