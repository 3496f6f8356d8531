#!/usr/bin/env bash
# The clients made from the OpenAPI document (docs/openapi/v1.json), built and checked as an integrator gets them.
#
#   scripts/clients.sh              both of the below
#   scripts/clients.sh dotnet       packs PromotionEngine.Client (generated from the document at build time), .Contracts and
#                                   .Kernel into artifacts/packages, then builds the README's "Calling it from code" example
#                                   in a project of its own that takes the packages from that folder only
#   scripts/clients.sh typescript   npm ci (Node from apt when missing), generates clients/typescript/v1.d.ts with
#                                   openapi-typescript, type-checks lifecycle.ts with tsc, packs the types into
#                                   artifacts/packages
#
# Versions: every package's is the API's (ApiVersion in Directory.Build.props; docs/versioning.md); the TypeScript
# tools are pinned in clients/typescript/package-lock.json. Stops at the first failure with a non-zero exit.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
packages=$root/artifacts/packages
configuration=${CONFIGURATION:-Release}

api_version=$(sed -n 's:.*<ApiVersion>\(.*\)</ApiVersion>.*:\1:p' Directory.Build.props)
[ -n "$api_version" ] || { echo "no <ApiVersion> in Directory.Build.props" >&2; exit 1; }

dotnet_client() {
  rm -f "$packages"/PromotionEngine.*.nupkg
  for project in src/Kernel src/Contracts clients/dotnet/Client; do
    dotnet pack "$project" -c "$configuration" -o "$packages" --nologo -v quiet
  done
  for id in PromotionEngine.Kernel PromotionEngine.Contracts PromotionEngine.Client; do
    [ -f "$packages/$id.$api_version.nupkg" ] || { echo "dotnet pack made no $id.$api_version.nupkg" >&2; exit 1; }
  done

  # An integrator's project outside the repository (none of its build settings apply), restoring from the packed folder
  # only, into a package cache of its own: the machine's cache may hold an older build of the same version.
  consumer=$(mktemp -d)
  trap 'rm -rf "$consumer"' EXIT
  cat >"$consumer/nuget.config" <<EOF
<configuration>
  <packageSources>
    <clear />
    <add key="packed" value="$packages" />
  </packageSources>
</configuration>
EOF
  cat >"$consumer/Consumer.csproj" <<EOF
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <ImplicitUsings>enable</ImplicitUsings>
    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
    <RestorePackagesPath>$consumer/packages</RestorePackagesPath>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="PromotionEngine.Client" Version="[$api_version]" />
    <PackageReference Include="PromotionEngine.Contracts" Version="[$api_version]" />
  </ItemGroup>
</Project>
EOF
  # The first C# block of the README's "Calling it from code" section, as written.
  awk '/^## Calling it from code/ { inside = 1; next } /^## / { inside = 0 }
       inside && /^```csharp/ && !done { code = 1; next } code && /^```/ { code = 0; done = 1 } code { print }' README.md \
    >"$consumer/Program.cs"
  [ -s "$consumer/Program.cs" ] || { echo "README.md has no C# block under \"## Calling it from code\"" >&2; exit 1; }
  dotnet build "$consumer/Consumer.csproj" --nologo -v quiet
  echo "dotnet: $(cd "$packages" && ls PromotionEngine.*.nupkg | tr '\n' ' ')and the README example built from them"
}

typescript_types() {
  if ! command -v npm >/dev/null; then
    apt-get update -qq && apt-get install -y -qq nodejs npm >/dev/null
  fi
  cd clients/typescript
  local declared documented
  declared=$(node -p 'require("./package.json").version')
  [ "$declared" = "$api_version" ] || {
    echo "clients/typescript/package.json has version $declared, the API is $api_version (Directory.Build.props)" >&2; exit 1; }
  documented=$(node -p 'require("../../docs/openapi/v1.json").info.version')
  [ "$documented" = "$api_version" ] || {
    echo "docs/openapi/v1.json says info.version $documented, the packages are $api_version (Directory.Build.props)" >&2; exit 1; }
  npm ci --no-audit --no-fund --prefer-offline --loglevel=error
  npx --no-install openapi-typescript ../../docs/openapi/v1.json --output v1.d.ts --silent
  npx --no-install tsc --noEmit --project .
  mkdir -p "$packages"
  rm -f "$packages"/promotion-engine-api-types-*.tgz
  npm pack --pack-destination "$packages" --silent >/dev/null
  [ -f "$packages/promotion-engine-api-types-$api_version.tgz" ] || { echo "npm pack made no types package" >&2; exit 1; }
  cd "$root"
  echo "typescript: v1.d.ts generated, lifecycle.ts type-checked, promotion-engine-api-types-$api_version.tgz packed"
}

case "${1:-all}" in
  dotnet) dotnet_client ;;
  typescript) typescript_types ;;
  all) dotnet_client; typescript_types ;;
  *) echo "usage: scripts/clients.sh [dotnet|typescript]" >&2; exit 2 ;;
esac
