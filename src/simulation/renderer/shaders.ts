/**
 * GLSL ES 1.00 sources (WebGL 1). Colours are converted to linear light on the way in and back to
 * gamma 2 on the way out: cheap, and close enough to sRGB for flat-shaded bodies.
 */

/** Places a unit mesh instance: scale, capsule stretch, quaternion rotation, translation. */
const placeInstance = `
attribute vec3 aPosition;
attribute vec3 aNormal;
attribute float aSide;
attribute vec3 iTranslation;
attribute vec4 iRotation;
attribute vec4 iScale;

vec3 rotate(vec4 q, vec3 v) {
  return v + 2.0 * cross(q.xyz, cross(q.xyz, v) + q.w * v);
}

vec3 worldPosition() {
  vec3 local = aPosition * iScale.xyz + vec3(0.0, aSide * iScale.w, 0.0);
  return rotate(iRotation, local) + iTranslation;
}
`;

/** Depth as seen from the light, packed into RGBA8 because WEBGL_depth_texture is missing. */
export const shadowVertex = `
precision highp float;
${placeInstance}
uniform mat4 uLightViewProjection;
void main() {
  gl_Position = uLightViewProjection * vec4(worldPosition(), 1.0);
}
`;

/**
 * With SCREEN_DOOR 1 (see-through bodies) only every other texel, in a checkerboard, is written: the
 * filtered or supersampled shadow lookup then averages it into a half-strength shadow, without a
 * second shadow map.
 */
export const shadowFragment = `
precision highp float;
vec4 packDepth(float depth) {
  vec4 bits = fract(depth * vec4(1.0, 255.0, 65025.0, 16581375.0));
  return bits - bits.yzww * vec4(1.0 / 255.0, 1.0 / 255.0, 1.0 / 255.0, 0.0);
}
void main() {
#if SCREEN_DOOR == 1
  if (mod(floor(gl_FragCoord.x) + floor(gl_FragCoord.y), 2.0) > 0.5) discard;
#endif
  gl_FragColor = packDepth(gl_FragCoord.z);
}
`;

const varyings = `
varying vec3 vWorld;
varying vec3 vNormal;
varying vec3 vColor;
// shininess, metalness, strength of the highlight, fog
varying vec4 vMaterial;
varying float vOpacity;
varying vec3 vLight;
`;

export const bodyVertex = `
precision highp float;
${placeInstance}
attribute vec3 iColor;
// roughness, metalness, specular strength, opacity (see scene/materials.ts)
attribute vec4 iMaterial;
uniform mat4 uViewProjection;
uniform mat4 uLightViewProjection;
uniform vec3 uCameraPosition;
uniform float uFogStart;
uniform float uFogEnd;
${varyings}
void main() {
  vec3 world = worldPosition();
  vWorld = world;
  // Normals of a scaled mesh scale by the inverse; capsule stretch does not change them.
  vNormal = rotate(iRotation, normalize(aNormal / iScale.xyz));
  vColor = iColor * iColor;
  // Per-vertex work that would cost a transcendental per pixel: bodies are small, so fog is smooth.
  float roughness = iMaterial.x;
  float shininess = exp2(10.0 * (1.0 - roughness) + 1.0);
  vMaterial = vec4(
    shininess,
    iMaterial.y,
    (shininess + 8.0) / 25.0 * (1.0 - roughness * 0.7) * iMaterial.z,
    smoothstep(uFogStart, uFogEnd, distance(uCameraPosition, world))
  );
  vOpacity = iMaterial.w;
  vec4 light = uLightViewProjection * vec4(world, 1.0);
  vLight = light.xyz * 0.5 + 0.5;
  gl_Position = uViewProjection * vec4(world, 1.0);
}
`;

/** Samples the packed shadow map: 1 where `light` is lit, 0 in shadow, PCF in between. */
const shadowLookup = `
uniform sampler2D uShadowMap;
uniform float uShadowTexel;
uniform float uShadows;

float unpackDepth(vec4 color) {
  return dot(color, vec4(1.0, 1.0 / 255.0, 1.0 / 65025.0, 1.0 / 16581375.0));
}

float lit(vec3 light, float bias) {
#if SHADOW_TAPS == 0
  return 1.0;
#endif
  if (uShadows < 0.5 || light.x <= 0.0 || light.x >= 1.0 || light.y <= 0.0 || light.y >= 1.0 || light.z >= 1.0)
    return 1.0;
  float depth = light.z - bias;
#if SHADOW_TAPS == 1
  // Supersampling averages single taps into soft edges; texture reads are what llvmpipe pays most for.
  return step(depth, unpackDepth(texture2D(uShadowMap, light.xy)));
#else
  float h = 0.5 * uShadowTexel;
  float sum = step(depth, unpackDepth(texture2D(uShadowMap, light.xy + vec2(-h, -h))));
  sum += step(depth, unpackDepth(texture2D(uShadowMap, light.xy + vec2(h, -h))));
  sum += step(depth, unpackDepth(texture2D(uShadowMap, light.xy + vec2(-h, h))));
  sum += step(depth, unpackDepth(texture2D(uShadowMap, light.xy + vec2(h, h))));
  return sum * 0.25;
#endif
}
`;

/** Bodies: ambient, one directional light with shadows, Blinn-Phong highlights, fog. */
export const bodyFragment = `
precision highp float;
uniform vec3 uCameraPosition;
uniform vec3 uToLight;
uniform vec3 uLightColor;
uniform vec3 uAmbient;
uniform vec3 uBackground;
uniform float uShadowBias;
${varyings}
${shadowLookup}
void main() {
  vec3 albedo = vColor;
  // The far side of a see-through body faces away: it is lit as seen from inside.
  vec3 n = gl_FrontFacing ? normalize(vNormal) : -normalize(vNormal);
  vec3 v = normalize(uCameraPosition - vWorld);
  float shininess = vMaterial.x;
  float metalness = vMaterial.y;
  float ndl = max(dot(n, uToLight), 0.0);
  float light = ndl > 0.0 ? lit(vLight, uShadowBias * (1.5 + 4.0 * (1.0 - ndl))) : 0.0;
  vec3 h = normalize(uToLight + v);
  // Schlick's stand-in for pow(x, shininess): one division instead of a log and an exp.
  float x = max(dot(n, h), 0.0);
  float specular = x / (shininess - shininess * x + x) * vMaterial.z;
  vec3 specularColor = mix(vec3(0.04), albedo, metalness);
  vec3 diffuse = albedo * (1.0 - metalness);
  // A sky-coloured fill from above and a darker bounce from below.
  vec3 ambient = uAmbient * (0.775 + 0.225 * n.y) * (diffuse + specularColor * 0.5);
  vec3 color = ambient + uLightColor * light * ndl * (diffuse + specularColor * specular);
  // Glass lets what is behind through, but its highlight is as bright as on anything else.
  float alpha = min(1.0, vOpacity + light * ndl * specular * 0.5);
  gl_FragColor = vec4(mix(sqrt(color), uBackground, vMaterial.w), alpha);
}
`;

/** The ground: rectangles on y = 0, given in world x and z. */
export const groundVertex = `
precision highp float;
attribute vec2 aGround;
uniform mat4 uViewProjection;
uniform mat4 uLightViewProjection;
varying vec2 vGround;
varying vec3 vLight;
void main() {
  vec4 world = vec4(aGround.x, 0.0, aGround.y, 1.0);
  vGround = aGround;
  vec4 light = uLightViewProjection * world;
  vLight = light.xyz * 0.5 + 0.5;
  gl_Position = uViewProjection * world;
}
`;

/**
 * The ground with a 1 m grid and a stronger line every 5 m, anti-aliased by screen derivatives.
 * The ground is flat, so its lighting is two constants from the CPU, not per-pixel work. Shadow
 * map reads are the dearest part, so only the part of the ground that shadows can reach is drawn
 * with them (SHADOW_TAPS 1 or 4); the rest is drawn with SHADOW_TAPS 0.
 */
export const groundFragment = `
#extension GL_OES_standard_derivatives : enable
precision highp float;
uniform vec3 uColor;
uniform vec3 uGridColor;
uniform float uGrid;
uniform vec3 uAmbientLight;
uniform vec3 uDirectLight;
uniform float uShadowBias;
uniform vec3 uBackground;
uniform vec3 uCameraPosition;
uniform float uFogStart;
uniform float uFogEnd;
varying vec2 vGround;
varying vec3 vLight;
${shadowLookup}
void main() {
  vec3 albedo = uColor;
  if (uGrid > 0.5) {
    vec2 d = fwidth(vGround);
    vec2 perPixel = 1.0 / max(d, vec2(1e-4));
    // Distance to the nearest line, in pixels.
    vec2 one = abs(fract(vGround - 0.5) - 0.5) * perPixel;
    vec2 five = abs(fract(vGround * 0.2 - 0.5) - 0.5) * 5.0 * perPixel;
    float size = max(d.x, d.y);
    // Lines thinner than a pixel turn into mush far away; fade them out instead.
    float thin = (1.0 - min(min(one.x, one.y), 1.0)) * 0.6 * (1.0 - smoothstep(0.15, 0.5, size));
    float thick = (1.0 - min(min(five.x, five.y) * 0.625, 1.0)) * (1.0 - smoothstep(0.75, 2.5, size));
    albedo = mix(albedo, uGridColor, max(thin, thick));
  }
  vec3 color = albedo * (uAmbientLight + uDirectLight * lit(vLight, uShadowBias * 1.5));
  float fog = smoothstep(uFogStart, uFogEnd, distance(uCameraPosition, vec3(vGround.x, 0.0, vGround.y)));
  gl_FragColor = vec4(mix(sqrt(color), uBackground, fog), 1.0);
}
`;

/**
 * The ground under a still camera: it looks the same in every frame but for its shadows, so its
 * grid, light and fog are drawn once into two plates, fully lit and fully shadowed (see ground.ts),
 * and each frame only reads them, mixed by the shadow map where shadows can fall.
 */
export const bakedGroundFragment = `
precision highp float;
uniform sampler2D uLitPlate;
uniform sampler2D uShadedPlate;
uniform vec2 uPlateTexel;
uniform float uShadowBias;
varying vec3 vLight;
${shadowLookup}
void main() {
  vec2 uv = gl_FragCoord.xy * uPlateTexel;
  vec4 litColor = texture2D(uLitPlate, uv);
#if SHADOW_TAPS == 0
  gl_FragColor = litColor;
#else
  gl_FragColor = mix(texture2D(uShadedPlate, uv), litColor, lit(vLight, uShadowBias * 1.5));
#endif
}
`;

/** Averages each block of supersampled pixels into one. */
export const resolveVertex = `
precision highp float;
attribute vec2 aPosition;
uniform float uDepth;
varying vec2 vUv;
void main() {
  vUv = aPosition * 0.5 + 0.5;
  gl_Position = vec4(aPosition, uDepth, 1.0);
}
`;

export const resolveFragment = `
precision highp float;
uniform sampler2D uImage;
uniform vec2 uOffset;
varying vec2 vUv;
void main() {
#if TAPS == 1
  // At 2x one bilinear tap in the middle of a 2x2 block is its exact average.
  gl_FragColor = texture2D(uImage, vUv);
#else
  // At 4x four taps, each in the middle of a quarter of the 4x4 block, are.
  gl_FragColor = 0.25 * (texture2D(uImage, vUv - uOffset) + texture2D(uImage, vUv + uOffset)
    + texture2D(uImage, vUv + vec2(uOffset.x, -uOffset.y)) + texture2D(uImage, vUv + vec2(-uOffset.x, uOffset.y)));
#endif
}
`;

/**
 * Edge smoothing for frames drawn once per pixel, where 2x2 supersampling costs too much (FXAA, after
 * Timothy Lottes): where the luma of a pixel and its four diagonal neighbours spans little, the
 * pixel stays as it is; on an edge it is blurred along the edge, up to 4 pixels each way, with
 * bilinear taps. Five reads on flat pixels (most of a frame), nine on edges.
 */
export const smoothEdgesFragment = `
precision highp float;
uniform sampler2D uImage;
uniform vec2 uOffset;
varying vec2 vUv;
float luma(vec3 c) { return dot(c, vec3(0.299, 0.587, 0.114)); }
void main() {
  vec4 middle = texture2D(uImage, vUv);
  float lumaNW = luma(texture2D(uImage, vUv + vec2(-1.0, -1.0) * uOffset).rgb);
  float lumaNE = luma(texture2D(uImage, vUv + vec2(1.0, -1.0) * uOffset).rgb);
  float lumaSW = luma(texture2D(uImage, vUv + vec2(-1.0, 1.0) * uOffset).rgb);
  float lumaSE = luma(texture2D(uImage, vUv + vec2(1.0, 1.0) * uOffset).rgb);
  float lumaM = luma(middle.rgb);
  float lumaMin = min(lumaM, min(min(lumaNW, lumaNE), min(lumaSW, lumaSE)));
  float lumaMax = max(lumaM, max(max(lumaNW, lumaNE), max(lumaSW, lumaSE)));
  if (lumaMax - lumaMin < max(0.0625, lumaMax * 0.125)) {
    gl_FragColor = middle;
    return;
  }
  vec2 along = vec2((lumaSW + lumaSE) - (lumaNW + lumaNE), (lumaNW + lumaSW) - (lumaNE + lumaSE));
  float reduce = max((lumaNW + lumaNE + lumaSW + lumaSE) * 0.03125, 1.0 / 128.0);
  float scale = 1.0 / (min(abs(along.x), abs(along.y)) + reduce);
  along = clamp(along * scale, -8.0, 8.0) * uOffset;
  vec3 near = 0.5 * (texture2D(uImage, vUv - along / 6.0).rgb + texture2D(uImage, vUv + along / 6.0).rgb);
  vec3 far = 0.5 * near + 0.25 * (texture2D(uImage, vUv - along * 0.5).rgb + texture2D(uImage, vUv + along * 0.5).rgb);
  float lumaFar = luma(far);
  gl_FragColor = vec4(lumaFar < lumaMin || lumaFar > lumaMax ? near : far, 1.0);
}
`;

/** Prefixes `#define` lines, after any `#extension` line (GLSL wants those first). */
export function withDefines(source: string, defines: Record<string, number>): string {
  const lines = Object.entries(defines).map(([name, value]) => `#define ${name} ${value}`);
  const match = source.match(/^\s*(#extension[^\n]*\n)/);
  if (match) return `${match[1]}${lines.join('\n')}\n${source.slice(match[0].length)}`;
  return `${lines.join('\n')}\n${source}`;
}
