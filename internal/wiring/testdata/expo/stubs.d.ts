// Expo, React Native and React Navigation are Clerk's peers, not installed in test/wiring:
// what the layouts import from them is untyped here. ClerkProvider, useAuth and tokenCache come
// from the real @clerk/expo and @clerk/clerk-expo, the Convex client from the real convex.
declare module "expo-router";
declare module "expo-font";
declare module "expo-status-bar";
declare module "expo-splash-screen";
declare module "@expo/vector-icons/FontAwesome";
declare module "@react-navigation/native";
declare module "react-native";
declare module "react-native-reanimated";
declare module "@/hooks/useColorScheme";
