namespace Virtlab.Engine;
