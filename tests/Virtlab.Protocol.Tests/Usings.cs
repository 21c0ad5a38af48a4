global using Xunit;
global using Virtlab.Testing.Fakes;
