/** Region and dummy credentials for AWS SDK clients that talk to local stand-ins. */
export const localAwsClientConfig = {
  region: 'eu-north-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
} as const;
