# The rescape image: what `rescape train --on-cluster` runs in its Job (and what CI jobs can run rescape from).
# Build it in the cluster with Kaniko (rescape build --build-context git://<this repository> --destination …) or
# with docker build. Two stages: the build stage compiles TypeScript; the runtime stage has only the production
# dependencies, dist/, manifests/ and schemas/, and runs as an unprivileged user.
FROM node:20-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
# Optional GPU/WebGPU backends download native code at install; the build stage only needs the compiler.
RUN npm ci --omit=optional --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY src ./src
RUN npm run build

FROM node:20-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
# Production dependencies, optional ones included: tfjs-node-gpu (CUDA) is used when the pod has a GPU and the
# install could fetch libtensorflow; if it cannot, rescape falls back to the WebAssembly backend.
RUN npm ci --omit=dev && npm cache clean --force
COPY bin ./bin
COPY manifests ./manifests
COPY schemas ./schemas
COPY --from=build /src/dist ./dist
COPY --from=build /src/oclif.manifest.json ./oclif.manifest.json
# The node image's unprivileged user (uid 1000), which the training Job's securityContext also asks for.
USER 1000:1000
ENTRYPOINT ["node", "/app/bin/run.js"]
