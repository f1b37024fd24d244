// The Kaniko flags `rescape build` and `rescape profile --build` share (one definition, so the two commands
// cannot drift apart), and the KanikoSettings they make.
import { Flags } from '@oclif/core';
import { DEFAULT_KANIKO_IMAGE, type KanikoSettings } from '../cluster/kaniko-job.js';

export const kanikoFlags = {
  'registry-secret': Flags.string({
    description: 'docker config.json Secret in the namespace holding the registry credential.',
  }),
  'kaniko-image': Flags.string({ default: DEFAULT_KANIKO_IMAGE, description: 'Kaniko executor image.' }),
  cache: Flags.boolean({
    default: true,
    allowNo: true,
    description: 'Registry layer cache (--no-cache: off).',
  }),
  'cache-repo': Flags.string({
    description: 'Repository for cached layers (default: <destination repository>/cache).',
  }),
};

export interface KanikoFlagValues {
  'registry-secret'?: string | undefined;
  'kaniko-image': string;
  cache: boolean;
  'cache-repo'?: string | undefined;
}

/** The settings of the build Jobs, each with `deadlineSeconds` to finish; the namespace is the command's. */
export function kanikoSettingsOf(
  flags: KanikoFlagValues,
  deadlineSeconds: number,
): Omit<KanikoSettings, 'namespace'> {
  return {
    kanikoImage: flags['kaniko-image'],
    ...(flags['registry-secret'] === undefined ? {} : { registrySecret: flags['registry-secret'] }),
    cache: flags.cache,
    ...(flags['cache-repo'] === undefined ? {} : { cacheRepo: flags['cache-repo'] }),
    deadlineSeconds,
  };
}
