// The managed overlay with the media worker scaled by KEDA on the encode queue's backlog
// (BullMQ's wait list in Redis) instead of CPU: encodes queue up before CPU rises.
import { buildBase, type Rendered } from '../base/index.ts';
import type { DeploySettings } from '../base/settings.ts';
import { managedSettings } from './managed.ts';

export const kedaSettings: DeploySettings = { ...managedSettings, workerScaling: 'keda' };

export const keda = (): Rendered => buildBase(kedaSettings);
